/**
 * Issue 11 in the browser: a retried 64 MiB Blob upload is stored byte-identical exactly once by nginx (WebDAV PUT).
 * A fault proxy (test/support/fault-proxy.ts, run by the test runner through a browser command) cuts connections that
 * carry more than 8 MiB, then lets the next through; the page talks to the proxy's origin only.
 *
 * Over HTTP/1.1 Chromium's and Firefox's network layers re-send, below XHR, a request whose reused keep-alive
 * connection fails before any answer: the upload goes on the connection its CORS preflight opened, so the browser
 * sends it again by itself after the first cut, and XHR sees a failure only when a fresh connection is cut. There the
 * proxy cuts two connections: the first is re-sent by the browser, the second by rx-transfer's retry. WebKit re-sends
 * nothing (one cut); over HTTP/2 its XHR neither ends nor fails when the connection is cut mid-upload, and the upload
 * idle limit ends that attempt.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { type RetryEvent, transfer } from '../../lib/index.js';
import { readAccessLog } from '../../scripts/nginx/read-access-log.ts';
import { retries, starts } from '../support/attempts.js';
import { collect, lastOf, sequence, sleep } from '../support/collect.js';
import { pattern } from '../support/pattern.js';
import { engine, engineName, forgetOrigins, uploadPath } from './support.js';

const nginx = inject('nginx');
const SIZE = 64 * 1024 * 1024;
const CUT_AFTER = 8 * 1024 * 1024;
const BYTES = pattern(SIZE) as Uint8Array<ArrayBuffer>;
const BLOB = new Blob([BYTES]);

const sha256 = async (bytes: BufferSource) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');

let proxy: string | undefined;
afterEach(async () => {
  if (proxy !== undefined) await commands.stopFaultProxy(proxy);
  proxy = undefined;
});

/** The PUTs nginx logged to `path`, once it has logged `count` of them (waiting at most 3 s). */
async function loggedPuts(path: string, count: number) {
  for (let waited = 0; ; waited += 50) {
    const puts = (await readAccessLog(nginx.h1)).filter((entry) => entry.method === 'PUT' && entry.uri === path);
    if (puts.length >= count || waited >= 3000) return puts;
    await sleep(50);
  }
}

describe.each([
  { protocol: 'HTTP/1.1', target: nginx.h1, logged: 'HTTP/1.1', cuts: engine === 'webkit' ? 1 : 2, hangs: false },
  { protocol: 'HTTP/2', target: nginx.h2, logged: 'HTTP/2.0', cuts: 1, hangs: engine === 'webkit' },
] as const)(
  `a retried 64 MiB Blob upload in ${engineName} over $protocol through a fault proxy`,
  ({ protocol, target, logged, cuts, hangs }) => {
    it('is stored byte-identical exactly once after its first connection is cut mid-body', async () => {
      forgetOrigins();
      proxy = await commands.startFaultProxy(target, CUT_AFTER, cuts);
      // The page streams an upload only to an origin it has seen speak HTTP/2.
      await (await fetch(`${proxy}/redirected`)).arrayBuffer();
      const path = `/dav/retry/${crypto.randomUUID()}.bin`;
      const { events, error } = await collect(
        transfer({
          url: `${proxy}${path}`,
          method: 'PUT',
          body: BLOB,
          responseType: 'none',
          retry: { delay: 50 },
          timeout: { upload: 3000, headers: 5000 },
        }),
      );
      const report = await commands.faultProxyReport(proxy);
      console.info(`${engineName} ${logged}: ${sequence(events).join(', ')}; proxy ${JSON.stringify(report)}`);
      expect(error).toBeUndefined();
      expect(starts(events).map((start) => start.transport)).toEqual([uploadPath(protocol), uploadPath(protocol)]);
      const types = sequence(events);
      expect(types.slice(types.indexOf('retry'))).toEqual([
        'retry',
        'start',
        'upload-progress+',
        'sent',
        'headers',
        'complete',
      ]);
      const [retry] = retries(events) as [RetryEvent];
      expect(retry).toMatchObject({ attempt: 2, delaySource: 'backoff' });
      expect(retry.error).toMatchObject(hangs ? { name: 'TimeoutError', phase: 'upload' } : { name: 'NetworkError' });
      expect(lastOf(events, 'complete')).toMatchObject({ status: 201, uploaded: SIZE });
      expect(report.cuts).toBe(cuts);

      const stored = await (await fetch(`${nginx.h1}${path}`, { cache: 'no-store' })).arrayBuffer();
      expect(stored.byteLength).toBe(SIZE);
      expect(await sha256(stored)).toBe(await sha256(BYTES));
      const puts = await loggedPuts(path, cuts + 1);
      console.info(
        `${engineName} ${logged}: nginx logged ${JSON.stringify(puts.map(({ status, requestLength }) => ({ status, requestLength })))}`,
      );
      const stores = puts.filter((entry) => entry.status === 201 || entry.status === 204);
      expect(stores).toHaveLength(1);
      expect(stores[0]).toMatchObject({ protocol: logged, status: 201 });
      expect(puts.filter((entry) => entry !== stores[0] && entry.requestLength > CUT_AFTER)).toEqual([]);
    });
  },
);
