/**
 * The nginx test server (scripts/nginx/start-nginx.ts) that the upload tests rely on: its
 * routes answer as documented, each origin speaks the protocols it says, and stopping it, or
 * its lifetime running out, leaves no nginx process and no files behind.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccessLog } from '../scripts/nginx/read-access-log.ts';
import { type NginxServer, startNginx } from '../scripts/nginx/start-nginx.ts';
import { sleep } from './support/collect.js';

/** The pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      const stat = safeStat(entry);
      return stat !== '' && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    })
    .map(Number);
}

function safeStat(entry: string): string {
  try {
    return readFileSync(`/proc/${entry}/stat`, 'utf8');
  } catch {
    return '';
  }
}

/** Whether a process lives (a zombie, reaped or not, does not count). */
function alive(pid: number): boolean {
  const stat = safeStat(String(pid));
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The protocol a TLS origin picks by ALPN when offered h2 and http/1.1. */
function negotiated(origin: string): Promise<string | false> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      ALPNProtocols: ['h2', 'http/1.1'],
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.alpnProtocol ?? false);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('its routes', () => {
  let nginx: NginxServer;
  beforeAll(async () => {
    nginx = await startNginx({ lifetimeMs: 60_000 });
  });
  afterAll(() => nginx.close());

  it('stores a WebDAV PUT with 201, serves it, and deletes it', async () => {
    const url = `${nginx.h1}/dav/a/b/${crypto.randomUUID()}`;
    expect((await fetch(url, { method: 'PUT', body: 'hello' })).status).toBe(201);
    expect(await (await fetch(url)).text()).toBe('hello');
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(url)).status).toBe(404);
  });

  it('answers 411 to a PUT without Content-Length at /length-required/', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(5));
        controller.close();
      },
    });
    const init = { method: 'PUT', body, duplex: 'half' } as RequestInit;
    expect((await fetch(`${nginx.h1}/length-required/x`, init)).status).toBe(411);
    expect((await fetch(`${nginx.h1}/length-required/y`, { method: 'PUT', body: 'abc' })).status).toBe(201);
  });

  it('redirects with 307, 308 and 303, and drops /drop without an answer', async () => {
    const manual = { method: 'POST', body: 'x', redirect: 'manual' } as const;
    const r307 = await fetch(`${nginx.h1}/redirect-307/p/q?id=1`, manual);
    const r308 = await fetch(`${nginx.h1}/redirect-308/p/q`, manual);
    const r303 = await fetch(`${nginx.h1}/redirect-303/p`, manual);
    expect([r307.status, r307.headers.get('location')]).toEqual([307, '/dav/p/q?id=1']);
    expect([r308.status, r308.headers.get('location')]).toEqual([308, '/dav/p/q']);
    expect([r303.status, r303.headers.get('location')]).toEqual([303, '/redirected']);
    expect(await (await fetch(`${nginx.h1}/redirect-303/p`, { method: 'POST', body: 'x' })).json()).toEqual({
      redirected: true,
    });
    await expect(fetch(`${nginx.h1}/drop`)).rejects.toThrow(TypeError);
  });

  it('echoes the bytes of a body it has read whole, with the test id', async () => {
    const response = await fetch(`${nginx.h1}/echo?id=abc`, { method: 'POST', body: new Uint8Array(100_000) });
    expect(await response.json()).toEqual({ method: 'POST', bytes: 100_000, id: 'abc' });
  });

  it('answers a preflight with 204 and CORS headers on every answer', async () => {
    const preflight = await fetch(`${nginx.h1}/dav/x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://example.test', 'access-control-request-method': 'PUT' },
    });
    const missing = await fetch(`${nginx.h1}/dav/none`);
    for (const response of [preflight, missing]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-headers')).toBe('*');
      expect(response.headers.get('access-control-expose-headers')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    }
    expect([preflight.status, missing.status]).toEqual([204, 404]);
  });

  it('logs each request as a JSON line with its test id from the header or the query', async () => {
    const id = crypto.randomUUID();
    await fetch(`${nginx.h1}/dav/${id}`, { method: 'PUT', body: 'abc', headers: { 'x-test-id': id } });
    await fetch(`${nginx.h1}/dav/${id}?id=${id}`);
    const entries = (await readAccessLog(nginx.h1)).filter((entry) => entry.id === id);
    expect(
      entries.map(({ method, status, protocol, contentLength, completion }) => ({
        method,
        status,
        protocol,
        contentLength,
        completion,
      })),
    ).toEqual([
      { method: 'PUT', status: 201, protocol: 'HTTP/1.1', contentLength: '3', completion: 'OK' },
      { method: 'GET', status: 200, protocol: 'HTTP/1.1', contentLength: '', completion: 'OK' },
    ]);
  });

  it('offers h2 on the h2 origin and only http/1.1 on the h1tls origin', async () => {
    expect(await negotiated(nginx.h2)).toBe('h2');
    expect(await negotiated(nginx.h1tls)).toBe('http/1.1');
    for (const origin of [nginx.h2, nginx.h1, nginx.h1tls]) expect(new URL(origin).hostname).toBe('127.0.0.1');
  });
});

describe('stopping it', () => {
  it('leaves no nginx process and no files behind', async () => {
    const nginx = await startNginx({ lifetimeMs: 60_000 });
    const workers = childrenOf(nginx.pid);
    expect(workers.length).toBeGreaterThan(0);
    expect([nginx.pid, ...workers].every(alive)).toBe(true);
    await nginx.close();
    expect([nginx.pid, ...workers].filter(alive)).toEqual([]);
    expect(existsSync(nginx.dir)).toBe(false);
  });

  it('happens by itself when its lifetime is over', async () => {
    const nginx = await startNginx({ lifetimeMs: 300 });
    const processes = [nginx.pid, ...childrenOf(nginx.pid)];
    for (let waited = 0; waited < 5_000 && (processes.some(alive) || existsSync(nginx.dir)); waited += 50)
      await sleep(50);
    expect(processes.filter(alive)).toEqual([]);
    expect(existsSync(nginx.dir)).toBe(false);
  });
});
