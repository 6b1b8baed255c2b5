/**
 * Debian's nginx (scripts/ensure-nginx.sh installs it) as a real server for the tests: one
 * instance per call, with a config written into a fresh temp dir, on 127.0.0.1 only, at free
 * ports. nginx is the server the race of issue 10 needs: its WebDAV PUT stores a body that
 * ends cleanly, however short, with 201.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCertificate } from '../server/create-certificate.ts';
import { freePorts } from './free-ports.ts';
import { nginxConfig } from './nginx-config.ts';

/** Where ensure-nginx.sh puts nginx. */
export const NGINX_PATH = '/usr/sbin/nginx';

/** How long an instance lives when nobody closes it. */
export const DEFAULT_NGINX_LIFETIME_MS = 15 * 60_000;

/** Options of {@link startNginx}. */
export interface NginxOptions {
  /** The instance stops itself after this many ms (default 15 minutes); the timer does not keep the process alive. */
  lifetimeMs?: number;
}

/**
 * The origins of one instance. Each serves the same routes:
 * - `/dav/<path>`: WebDAV `PUT` (201 new, 204 replaced; parent folders made) and `DELETE`; `GET` the stored file.
 * - `/length-required/<path>`: the same, but 411 to a PUT without Content-Length (a GET reads what was stored).
 * - `/redirect-307/<rest>`, `/redirect-308/<rest>`: 307/308 to `/dav/<rest>` (query kept).
 * - `/redirect-303/<rest>`: 303 to `/redirected`, a 200 `{"redirected":true}`.
 * - `/drop`: the connection closed with no answer (`return 444`).
 * - `/echo`: any method; the whole body read (nginx buffers it before proxying), then 200
 *   `{"method","bytes","id"}` with the bytes received.
 * - `/access-log`: the access log, JSON lines (see `readAccessLog`).
 *
 * Every answer, and 204 to any preflight `OPTIONS`, carries `Access-Control-Allow-Origin: *`, the
 * methods, `Access-Control-Allow-Headers: *`, `Access-Control-Expose-Headers: *`, a max-age and
 * `Timing-Allow-Origin: *`.
 * A request's test id is its `x-test-id` header, else its `id` query parameter.
 */
export interface NginxOrigins {
  /** HTTPS with HTTP/2 (h2 by ALPN, HTTP/1.1 for clients without), e.g. `https://127.0.0.1:40123`. */
  h2: string;
  /** Plain HTTP/1.1, e.g. `http://127.0.0.1:40124`. */
  h1: string;
  /** HTTPS offering HTTP/1.1 only (no h2 in ALPN), e.g. `https://127.0.0.1:40125`. */
  h1tls: string;
}

/** A running instance. */
export interface NginxServer extends NginxOrigins {
  /** The nginx master's process id. */
  pid: number;
  /** The instance's temp dir (removed by `close`). */
  dir: string;
  /** Stops nginx (SIGTERM to the process started, its whole process group if it lingers) and removes the dir; safe to call more than once. */
  close(): Promise<void>;
}

const START_ATTEMPTS = 3;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** `timeout`'s own deadline runs this much past the lifetime: it stops nginx should this process die first. */
const BACKSTOP_MS = 10_000;

/** Starts nginx in the foreground on 127.0.0.1 (three free ports); resolves once it listens. */
export async function startNginx(options: NginxOptions = {}): Promise<NginxServer> {
  const lifetimeMs = options.lifetimeMs ?? DEFAULT_NGINX_LIFETIME_MS;
  const dir = await mkdtemp(join(tmpdir(), 'rx-nginx-'));
  try {
    await prepareDir(dir);
    for (let attempt = 1; ; attempt++) {
      const [h2 = 0, h1 = 0, h1tls = 0] = await freePorts(3);
      const ports = { h2, h1, h1tls };
      const asRoot = process.getuid?.() === 0;
      await writeFile(join(dir, 'nginx.conf'), nginxConfig({ dir, ports, asRoot }));
      const child = spawnNginx(dir, lifetimeMs + BACKSTOP_MS);
      try {
        const pid = await started(child, dir);
        return running(child, dir, pid, ports, lifetimeMs);
      } catch (error) {
        await stop(child);
        if (attempt >= START_ATTEMPTS || !String(error).includes('Address already in use')) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function prepareDir(dir: string): Promise<void> {
  await Promise.all([mkdir(join(dir, 'files')), mkdir(join(dir, 'temp'))]);
  const { key, cert } = await createCertificate();
  await writeFile(join(dir, 'key.pem'), key, { mode: 0o600 });
  await writeFile(join(dir, 'cert.pem'), cert);
}

/**
 * nginx under coreutils' `timeout`, which forwards our SIGTERM to it and stops it by itself
 * after `deadlineMs`. Its output goes to a file: a pipe nobody reads could stall it.
 */
function spawnNginx(dir: string, deadlineMs: number): ChildProcess {
  const output = openSync(join(dir, 'stderr.log'), 'a');
  try {
    const deadline = `${Math.ceil(deadlineMs / 1000)}s`;
    const args = ['--kill-after=5s', deadline, NGINX_PATH, '-p', `${dir}/`, '-c', join(dir, 'nginx.conf')];
    const child = spawn('timeout', args, { stdio: ['ignore', output, output] });
    child.unref();
    return child;
  } finally {
    closeSync(output);
  }
}

/** Resolves with the master's pid once it has written its pid file (after binding every socket). */
async function started(child: ChildProcess, dir: string): Promise<number> {
  const startedAt = Date.now();
  while (Date.now() - startedAt < START_TIMEOUT_MS) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const pid = Number.parseInt(await readFile(join(dir, 'nginx.pid'), 'utf8').catch(() => ''), 10);
    if (pid > 0) return pid;
    await sleep(20);
  }
  const logs = await Promise.all(
    ['stderr.log', 'error.log'].map((name) => readFile(join(dir, name), 'utf8').catch(() => '')),
  );
  throw new Error(
    `nginx did not start (${child.exitCode ?? child.signalCode ?? 'timed out'}): ${logs.join('').trim()}`,
  );
}

function running(
  child: ChildProcess,
  dir: string,
  pid: number,
  ports: Record<keyof NginxOrigins, number>,
  lifetimeMs: number,
): NginxServer {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearTimeout(timer);
      await stop(child);
      await rm(dir, { recursive: true, force: true });
    })();
    return closing;
  };
  const timer = setTimeout(close, lifetimeMs).unref();
  return {
    h2: `https://127.0.0.1:${ports.h2}`,
    h1: `http://127.0.0.1:${ports.h1}`,
    h1tls: `https://127.0.0.1:${ports.h1tls}`,
    pid,
    dir,
    close,
  };
}

/** SIGTERM to the process started (nginx shuts down fast); SIGKILL to its process group if it is still there. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.ref();
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(STOP_TIMEOUT_MS, true, { ref: false })]);
  if (!timedOut) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await exited;
}
