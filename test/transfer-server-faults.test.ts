/**
 * The test server's fault routes on their own, with plain clients (Node's fetch over HTTP/1.1, node:http2, and a raw
 * socket where the wire itself is the point): what the retry and timeout tests build on.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransferServer, type TransferServer } from '../scripts/server/transfer-server.ts';
import { pattern } from './support/pattern.js';

let server: TransferServer;
beforeAll(async () => {
  server = await startTransferServer({ lifetimeMs: 120_000 });
});
afterAll(() => server?.close());

/** Sends a bare GET on a fresh socket and resolves with every byte until the server closes, and when each came. */
async function rawGet(path: string): Promise<{ text: string; arrivals: number[] }> {
  const { port } = new URL(server.http1);
  const socket = netConnect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  const chunks: Buffer[] = [];
  const arrivals: number[] = [];
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    arrivals.push(performance.now());
  });
  await once(socket, 'close');
  return { text: Buffer.concat(chunks).toString(), arrivals };
}

describe('/drip', () => {
  it('sends its headers at once and a byte every ms, with Content-Length, and records the gaps', async () => {
    const id = randomUUID();
    const response = await fetch(`${server.http1}/drip?ms=300&bytes=3&id=${id}`);
    expect(response.headers.get('content-length')).toBe('3');
    // The headers came at once: the first byte is written 300 ms after them.
    expect(server.records.get(id)?.bytesSent).toBe(0);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const reads: number[][] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) reads.push([...next.value]);
    expect(reads).toEqual([[0], [1], [2]]);
    // The gaps by the server's clock: the client's would shrink whenever a loaded machine delivered a byte late.
    const gaps = server.records.get(id)?.dripGaps ?? [];
    expect(gaps).toHaveLength(3);
    expect(gaps.filter((gap) => gap < 299)).toEqual([]);
    expect(server.records.get(id)).toMatchObject({ responseComplete: true, clientAborted: false });
  });
});

describe('/dripped-headers', () => {
  it('writes the status line and header block a byte at a time, then the body, and closes', async () => {
    const { text, arrivals } = await rawGet('/dripped-headers?ms=2');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('\r\naccess-control-allow-origin: *\r\n');
    expect(text).toContain('\r\nconnection: close\r\n');
    expect(text.endsWith('\r\n\r\nheaders dripped')).toBe(true);
    // One byte a write, each 2 ms apart: a socket read may gather a few, never the whole block at once.
    expect(arrivals.length).toBeGreaterThan(20);
  });

  it('is read whole by fetch, and the record counts the response complete', async () => {
    const id = randomUUID();
    const response = await fetch(`${server.http1}/dripped-headers?ms=1&id=${id}`);
    expect(await response.text()).toBe('headers dripped');
    expect(server.records.get(id)).toMatchObject({ responseComplete: true, clientAborted: false });
  });

  it('records a client that leaves before the headers are complete', async () => {
    const id = randomUUID();
    await expect(
      fetch(`${server.http1}/dripped-headers?ms=50&id=${id}`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    await expect.poll(() => server.records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
    expect(server.records.get(id)?.bytesSent).toBeGreaterThan(0);
  });

  it('refuses HTTP/2 with a 400', async () => {
    const session = connect(server.http2, { rejectUnauthorized: false });
    const stream = session.request({ ':path': '/dripped-headers?ms=1' });
    const [headers] = (await once(stream, 'response')) as [Record<string, string>];
    stream.resume();
    await once(stream, 'end');
    session.close();
    expect(headers[':status']).toBe(400);
  });
});

describe('/flaky', () => {
  const flaky = (id: string, query: string, init?: RequestInit) =>
    fetch(`${server.http1}/flaky?id=${id}&${query}`, init);

  it('fails the first `fails` requests of an id with the status and Retry-After, then serves the download', async () => {
    const id = randomUUID();
    const statuses: number[] = [];
    const retryAfters: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await flaky(id, 'fails=2&status=503&retryAfter=7&size=1000');
      statuses.push(response.status);
      retryAfters.push(response.headers.get('retry-after'));
      if (response.ok) expect(new Uint8Array(await response.arrayBuffer())).toEqual(pattern(1000));
      else await response.text();
    }
    expect(statuses).toEqual([503, 503, 200]);
    expect(retryAfters).toEqual(['7', '7', null]);
    expect(server.records.get(id)).toMatchObject({ requests: 3, earlier: [{ requests: 1 }, { requests: 2 }] });
  });

  it('states Retry-After as an HTTP date `retryAt` seconds ahead', async () => {
    const before = Date.now();
    const response = await flaky(randomUUID(), 'status=429&retryAt=3');
    const date = Date.parse(response.headers.get('retry-after') ?? '');
    expect(date - before).toBeGreaterThan(1000);
    expect(date - before).toBeLessThanOrEqual(3000);
  });

  it('cuts the failing download at cutAt, and records the cut', async () => {
    const id = randomUUID();
    const response = await flaky(id, 'cutAt=1000&size=5000');
    expect(response.headers.get('content-length')).toBe('5000');
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(server.records.get(id)).toMatchObject({ serverAborted: true, bytesSent: 1000 });
  });

  it('hangs up on a POST after reading its body, then answers the next as /upload', async () => {
    const id = randomUUID();
    await expect(flaky(id, 'hangUp=1', { method: 'POST', body: 'seen' })).rejects.toThrow();
    expect(server.records.get(id)).toMatchObject({ requestComplete: true, bytesReceived: 4, serverAborted: true });
    const second = await flaky(id, 'hangUp=1', { method: 'POST', body: 'again' });
    expect(await second.json()).toEqual({ id, bytes: 5, protocol: '1.1' });
    expect(server.records.get(id)).toMatchObject({ requests: 2 });
  });

  it('answers 400 without an id or a failure', async () => {
    expect((await fetch(`${server.http1}/flaky?status=503`)).status).toBe(400);
    expect((await flaky(randomUUID(), 'size=10')).status).toBe(400);
  });
});
