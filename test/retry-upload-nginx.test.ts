/**
 * Issue 11: a retried 64 MiB Blob upload is stored byte-identical exactly once by a real server. nginx's WebDAV PUT
 * stores a body that ends cleanly, however short; a fault proxy in front of it cuts the first attempt's connection
 * mid-body, then lets the retry through.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type RetryEvent, transfer } from '../lib/index.js';
import { readAccessLog } from '../scripts/nginx/read-access-log.ts';
import { collect, lastOf, progressOf, sequence, sleep } from './support/collect.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { pattern } from './support/pattern.js';
import { useNginx } from './support/use-nginx.js';

const nginx = useNginx();
const SIZE = 64 * 1024 * 1024;
const CUT_AFTER = 8 * 1024 * 1024;
const BYTES = pattern(SIZE);
const BLOB = new Blob([BYTES as Uint8Array<ArrayBuffer>]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
});

/** The PUTs nginx logged to `path`, once it has logged `count` of them (waiting at most 3 s). */
async function loggedPuts(path: string, count: number) {
  for (let waited = 0; ; waited += 50) {
    const puts = (await readAccessLog(nginx().h1)).filter((entry) => entry.method === 'PUT' && entry.uri === path);
    if (puts.length >= count || waited >= 3000) return puts;
    await sleep(50);
  }
}

describe.each([
  { protocol: 'HTTP/1.1', target: () => nginx().h1, logged: 'HTTP/1.1' },
  { protocol: 'HTTP/2', target: () => nginx().h2, logged: 'HTTP/2.0' },
])('a retried 64 MiB Blob upload over $protocol through a fault proxy', ({ target, logged }) => {
  it('is stored byte-identical exactly once after its first connection is cut mid-body', async () => {
    proxy = await startFaultProxy(target(), CUT_AFTER);
    const path = `/dav/retry/${crypto.randomUUID()}.bin`;
    const { events, error } = await collect(
      transfer({
        url: `${proxy.origin}${path}`,
        method: 'PUT',
        body: BLOB,
        responseType: 'none',
        retry: { delay: 50 },
      }),
    );
    expect(error).toBeUndefined();
    const types = sequence(events);
    expect(types.slice(0, types.indexOf('retry') + 1)).toEqual(['start', 'upload-progress+', 'retry']);
    expect(types.slice(types.indexOf('retry') + 1)).toEqual([
      'start',
      'upload-progress+',
      'sent',
      'headers',
      'complete',
    ]);
    const retry = lastOf(events, 'retry') as RetryEvent;
    expect(retry).toMatchObject({ attempt: 2, delaySource: 'backoff' });
    expect(retry.error).toMatchObject({ name: 'NetworkError' });
    const firstUpload = progressOf(events.slice(0, events.indexOf(retry)), 'upload-progress').at(-1)?.loaded ?? 0;
    console.info(`${logged}: first attempt reported ${firstUpload} of ${SIZE} bytes before the cut`);
    expect(firstUpload).toBeLessThan(SIZE);
    expect(lastOf(events, 'complete')).toMatchObject({ status: 201, uploaded: SIZE });
    expect(proxy.report()).toMatchObject({ cuts: 1 });

    const stored = new Uint8Array(await (await fetch(`${nginx().h1}${path}`)).arrayBuffer());
    expect(stored.byteLength).toBe(SIZE);
    expect(sha256(stored)).toBe(sha256(BYTES));
    const puts = await loggedPuts(path, 2);
    console.info(
      `${logged}: nginx logged the PUTs with ${JSON.stringify(puts.map(({ status, requestLength }) => ({ status, requestLength })))}`,
    );
    const stores = puts.filter((entry) => entry.status === 201 || entry.status === 204);
    expect(stores).toHaveLength(1);
    expect(stores[0]).toMatchObject({ protocol: logged, status: 201, contentLength: String(SIZE) });
    expect(stores[0]?.requestLength).toBeGreaterThan(SIZE);
    // The cut attempt, if nginx logged it, ended short of the body (seen: 400 over HTTP/1.1, 499 over HTTP/2).
    expect(puts.filter((entry) => entry !== stores[0] && entry.requestLength > CUT_AFTER)).toEqual([]);
  });
});
