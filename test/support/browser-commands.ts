/**
 * Commands the browser tests run in Node (Vitest's `browser.commands`): what a page cannot do itself, such as
 * putting a file where nginx serves it, or a fault proxy between the page and nginx.
 */
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BrowserCommand } from 'vitest/node';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { pattern } from './pattern.ts';

/** A proxy left open this long is closed anyway (a test that failed before its own close). */
const PROXY_LIFETIME_MS = 5 * 60_000;

const proxies = new Map<string, FaultProxy>();
let touches = 0;

/** `path` inside an nginx instance's served directory `dir` (one of the tests' temp dirs), refusing anything else. */
function servedPath(dir: string, path: string): string {
  const root = resolve(dir, 'files');
  const file = resolve(root, `.${path}`);
  if (!resolve(dir).startsWith(join(tmpdir(), 'rx-nginx-')) || !file.startsWith(`${root}/`)) {
    throw new Error(`not a file nginx serves: ${dir} ${path}`);
  }
  return file;
}

/** Writes `size` pattern bytes (byte i is `i % 251`) at `path` of the nginx instance in `dir`, unless there already. */
const servePattern: BrowserCommand<[dir: string, path: string, size: number]> = async (_, dir, path, size) => {
  const file = servedPath(dir, path);
  if ((await stat(file).catch(() => undefined))?.size === size) return;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, pattern(size));
};

/**
 * Starts a fault proxy to `target` that cuts connections at `at` offsets of their response bytes (one per
 * connection, `lingerMs` after their last byte); with `touch` (a served path of the instance in `dir`), the first
 * cut gives that file a new mtime first, so that nginx's ETag changes. Resolves with the proxy's origin.
 */
const startCutProxy: BrowserCommand<
  [target: string, at: number[], lingerMs: number, touch?: { dir: string; path: string }]
> = async (_, target, at, lingerMs, touch) => {
  const file = touch && servedPath(touch.dir, touch.path);
  const when = new Date(Date.now() + ++touches * 3_600_000);
  const onCut = (index: number) => {
    if (index === 0 && file !== undefined) void utimes(file, when, when);
  };
  const proxy = await startFaultProxy(target, { direction: 'down', at, lingerMs, onCut });
  proxies.set(proxy.origin, proxy);
  setTimeout(() => void closeProxy(proxy.origin), PROXY_LIFETIME_MS).unref();
  return proxy.origin;
};

async function closeProxy(origin: string) {
  const proxy = proxies.get(origin);
  proxies.delete(origin);
  const report = proxy?.report();
  await proxy?.close();
  return report;
}

/** Closes the proxy at `origin`; resolves with its report. */
const closeCutProxy: BrowserCommand<[origin: string]> = (_, origin) => closeProxy(origin);

/** The commands, for `browser.commands`. */
export const browserCommands = { servePattern, startCutProxy, closeCutProxy };
