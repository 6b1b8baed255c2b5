import { inject } from 'vitest';
import { server } from 'vitest/browser';
import { forgetTransports } from '../../lib/transports/transport.js';

/** The engine running this page: Chromium, Firefox ESR, or WebKitGTK's MiniBrowser (`safari` to Vitest). */
export const engine = server.browser === 'safari' ? 'webkit' : (server.browser as 'chromium' | 'firefox');

/** The engine's name for test titles and logs. */
export const engineName = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' }[engine];

/**
 * Whether the engine streams request bodies: Chromium only. Firefox would send a
 * `ReadableStream` body as the text `[object ReadableStream]`; WebKit refuses it.
 */
export const streamsUploads = engine === 'chromium';

/** The path an upload of more than one chunk takes to an origin the page has seen speak `protocol`. */
export const uploadPath = (protocol: 'HTTP/1.1' | 'HTTP/2'): 'xhr' | 'fetch-stream' =>
  streamsUploads && protocol === 'HTTP/2' ? 'fetch-stream' : 'xhr';

/** Both faces of the real test server: plain HTTP/1.1, and HTTPS with HTTP/2. */
export const protocols = [
  { protocol: 'HTTP/1.1', origin: inject('http1') },
  { protocol: 'HTTP/2', origin: inject('http2') },
] as const;

/** A fresh id under which the server records what it saw of one request. */
export const testId = (): string => crypto.randomUUID();

/** What the server recorded of one request (scripts/server/transfer-record.ts). */
export interface ServerRecord {
  path: string;
  method: string;
  protocol: '1.1' | '2';
  /** How many requests carried this id; the record describes the latest. */
  requests: number;
  /** The records of the earlier requests with this id, oldest first. */
  earlier: Omit<ServerRecord, 'timedOut'>[];
  bytesReceived: number;
  requestComplete: boolean;
  clientAborted: boolean;
  serverAborted: boolean;
  responseComplete: boolean;
  bytesSent: number;
  timedOut?: boolean;
  /** `/drip`: ms between its bytes' writes, by the server's clock. */
  dripGaps?: number[];
}

/** Asks the server for its record of `id`, optionally waiting (bounded) until it is aborted or complete. */
export async function serverRecord(origin: string, id: string, wait?: 'aborted' | 'complete'): Promise<ServerRecord> {
  const query = wait === undefined ? '' : `?wait=${wait}&timeout=10000`;
  const response = await fetch(`${origin}/records/${id}${query}`);
  if (!response.ok) throw new Error(`no record for ${id}: ${response.status}`);
  return (await response.json()) as ServerRecord;
}

/**
 * Starts each test as a fresh page would: no origin's protocol known, the resource timeline empty.
 * rx-transfer streams an upload only to an origin the page has seen speak HTTP/2.
 */
export function forgetOrigins(): void {
  forgetTransports();
  performance.clearResourceTimings();
}

/** Talks to `origin` once (a 1-byte download), so that the page knows the protocol it speaks. */
export async function meetOrigin(origin: string): Promise<void> {
  const url = `${origin}/download?size=1`;
  await (await fetch(url)).arrayBuffer();
  for (let i = 0; i < 100 && !performance.getEntriesByName(url).length; i++)
    await new Promise((r) => setTimeout(r, 10));
}

/**
 * Watches the page's main thread while `run` goes on: the longest time it went without running
 * a timer. Browser tests run several files at once in frames of one page, which share that
 * thread: a neighbour's long synchronous loop holds back every event the browser has for this
 * one (XHR progress among them), and a test that counts such events needs to know.
 */
export async function withStallWatch<T>(
  run: () => Promise<T>,
): Promise<{ result: T; longestStall: number; ms: number }> {
  const started = performance.now();
  let last = started;
  let longestStall = 0;
  const tick = () => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  };
  const timer = setInterval(tick, 10);
  try {
    const result = await run();
    tick();
    return { result, longestStall, ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}
