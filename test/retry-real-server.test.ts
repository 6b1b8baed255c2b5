/**
 * Issue 11's retries against the project's real test server (scripts/server/), over HTTP/1.1 and HTTP/2: the
 * server's `/flaky` route fails the first requests of a test id and counts every request, so each case checks the
 * whole event sequence, the waits, and how many requests the server saw.
 */
import { describe, expect, it } from 'vitest';
import { type RetryEvent, type TransferEvent, transfer } from '../lib/index.js';
import { attemptsOf, EARLY, HTTP_DATE, NOT_RETRIED_POST, retries, starts, waitOf, within } from './support/attempts.js';
import { collect, lastOf, progressInvariants, progressOf, sequence } from './support/collect.js';
import { pattern } from './support/pattern.js';
import { useTransferServer } from './support/use-transfer-server.js';

const { server, faces } = useTransferServer();

describe.each(faces)('retries against the real test server over $protocol', ({ origin, recorded }) => {
  const flaky = (id: string, query: string) => `${origin()}/flaky?id=${id}&${query}`;

  it("waits the second of a 503's Retry-After, then completes with the 200", async () => {
    const id = crypto.randomUUID();
    const size = 100_000;
    const { events, error } = await collect(
      transfer({ url: flaky(id, `status=503&retryAfter=1&size=${size}`), responseType: 'arrayBuffer' }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual([
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'complete',
    ]);
    const [retry] = retries(events) as [RetryEvent];
    expect(retry).toMatchObject({ attempt: 2, delay: 1000, delaySource: 'retry-after', offline: false });
    expect(retry.error).toMatchObject({ name: 'HTTPError', response: { status: 503 } });
    const waited = waitOf(events, retry);
    console.info(`${recorded} 503 Retry-After: 1 waited ${waited.toFixed(1)} ms`);
    expect(waited).toBeGreaterThanOrEqual(1000 - EARLY);
    expect(waited).toBeLessThan(within(1000));
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(pattern(size));
    expect(server().records.get(id)).toMatchObject({
      protocol: recorded,
      requests: 2,
      responseComplete: true,
      earlier: [{ responseComplete: true, clientAborted: false }],
    });
  });

  it('waits until the HTTP date of a 429 before the next attempt', async () => {
    const id = crypto.randomUUID();
    const { events, error } = await collect(
      transfer({ url: flaky(id, 'status=429&retryAt=2&size=10'), responseType: 'none' }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual([
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'complete',
    ]);
    const [retry] = retries(events) as [RetryEvent];
    const stated = (retry.error as { response: Response }).response.headers.get('retry-after') ?? '';
    expect(stated).toMatch(HTTP_DATE);
    // Two seconds ahead, cut to the whole second the format carries: between one and two seconds from the answer.
    expect(retry).toMatchObject({ attempt: 2, delaySource: 'retry-after' });
    expect(retry.delay).toBeGreaterThan(900);
    expect(retry.delay).toBeLessThanOrEqual(2000);
    const waited = waitOf(events, retry);
    console.info(`${recorded} 429 at ${stated}: delay ${retry.delay} ms, waited ${waited.toFixed(1)} ms`);
    expect(waited).toBeGreaterThanOrEqual(retry.delay - EARLY);
    expect(waited).toBeLessThan(within(retry.delay));
    expect(server().records.get(id)).toMatchObject({ requests: 2, responseComplete: true });
  });

  it('retries a download dropped mid-way and completes it from 0, to the byte', async () => {
    const id = crypto.randomUUID();
    const size = 1_000_000;
    const { events, error } = await collect(
      transfer({
        url: flaky(id, `cutAt=300000&size=${size}`),
        responseType: 'arrayBuffer',
        progressInterval: 0,
        retry: { delay: 50 },
      }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual([
      'start',
      'headers',
      'download-progress+',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'complete',
    ]);
    const [retry] = retries(events) as [RetryEvent];
    expect(retry).toMatchObject({ attempt: 2, delaySource: 'backoff' });
    expect(retry.error).toMatchObject({ name: 'TruncatedBodyError', expected: size });
    const [first, second] = attemptsOf(events) as [TransferEvent[], TransferEvent[]];
    expect(progressInvariants(progressOf(first, 'download-progress'), false)).toEqual([]);
    expect(progressOf(first, 'download-progress').at(-1)?.loaded).toBeLessThanOrEqual(300_000);
    expect(progressInvariants(progressOf(second, 'download-progress'))).toEqual([]);
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(pattern(size));
    expect(server().records.get(id)).toMatchObject({
      protocol: recorded,
      requests: 2,
      responseComplete: true,
      earlier: [{ serverAborted: true, bytesSent: 300_000, responseComplete: false }],
    });
  });

  it('retries a download that stalls, after the idle limit, and the server sees the first attempt aborted', async () => {
    const id = crypto.randomUUID();
    const limit = 300;
    const { events, error } = await collect(
      transfer({
        url: flaky(id, 'stallAt=5000&size=10000'),
        responseType: 'none',
        progressInterval: 0,
        timeout: { download: limit },
        retry: { delay: 50 },
      }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual([
      'start',
      'headers',
      'download-progress+',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'complete',
    ]);
    const [retry] = retries(events) as [RetryEvent];
    expect(retry.error).toMatchObject({ name: 'TimeoutError', phase: 'download', limit, downloaded: 5000 });
    const lastByte = progressOf(attemptsOf(events)[0] ?? [], 'download-progress').at(-1)?.time ?? 0;
    const idle = retry.time - lastByte;
    console.info(`${recorded} stalled download: retry ${idle.toFixed(1)} ms after the last byte (limit ${limit})`);
    expect(idle).toBeGreaterThanOrEqual(limit - EARLY);
    expect(idle).toBeLessThan(within(limit));
    await expect
      .poll(() => server().records.get(id), { timeout: 5000 })
      .toMatchObject({ requests: 2, responseComplete: true, earlier: [{ clientAborted: true }] });
  });

  it.each([
    { failure: 'a 503', query: 'status=503&retryAfter=0', name: 'HTTPError' },
    { failure: 'an answer cut mid-body', query: 'cutAt=100&size=1000', name: 'TruncatedBodyError' },
    { failure: 'a connection closed with no answer', query: 'hangUp=1', name: 'NetworkError' },
  ])('does not retry a POST that the server saw, failed by $failure', async ({ query, name }) => {
    const id = crypto.randomUUID();
    const { events, error } = await collect(
      transfer({ url: flaky(id, query), method: 'POST', body: 'once', retry: { delay: 0 } }),
    );
    expect(error).toMatchObject({ name, notRetried: NOT_RETRIED_POST });
    expect(retries(events)).toEqual([]);
    expect(starts(events)).toHaveLength(1);
    await expect.poll(() => server().records.get(id)?.requestComplete, { timeout: 5000 }).toBe(true);
    expect(server().records.get(id)).toMatchObject({ method: 'POST', requests: 1, bytesReceived: 4 });
  });

  it('retries the same POST when the caller lists the method, and the server sees it twice', async () => {
    const id = crypto.randomUUID();
    const { events, error } = await collect(
      transfer({
        url: flaky(id, 'hangUp=1'),
        method: 'POST',
        body: 'twice',
        retry: { delay: 0, methods: ['POST'] },
      }),
    );
    expect(error).toBeUndefined();
    // A string body goes whole: its progress is reported once the response begins, so attempt 1 has none.
    expect(sequence(events)).toEqual([
      'start',
      'retry',
      'start',
      'upload-progress+',
      'sent',
      'headers',
      'download-progress+',
      'complete',
    ]);
    expect(lastOf(events, 'complete').body).toMatchObject({ id, bytes: 5, protocol: recorded });
    expect(server().records.get(id)).toMatchObject({
      requests: 2,
      earlier: [{ serverAborted: true, bytesReceived: 5 }],
    });
  });
});
