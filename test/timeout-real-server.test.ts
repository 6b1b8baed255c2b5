/**
 * The timeout limits against the project's real test server (no MSW here: its interception would
 * refuse the real requests), over HTTP/1.1 and HTTP/2: each stall ends in a `TimeoutError` of the
 * right phase within the acceptance's bound, and the server records that the client went away.
 */
import { describe, expect, it } from 'vitest';
import { type TransferEvent, transfer } from '../lib/index.js';
import { collect, progressOf, sequence } from './support/collect.js';
import { useTransferServer } from './support/use-transfer-server.js';

const { server, faces } = useTransferServer();

const LIMIT = 300;
/** The acceptance's bound: the limit, 10%, and 100 ms. */
const within = (limit: number) => limit * 1.1 + 100;
const WITHIN = within(LIMIT);
/** The drip: a byte every 900 ms against a 1 s limit. */
const DRIP_MS = 900;
const DRIP_LIMIT = 1000;

/** Milliseconds from each download-progress event to the next. */
function downloadGaps(events: readonly TransferEvent[]): number[] {
  const reads = progressOf(events, 'download-progress');
  return reads.slice(1).map((event, i) => event.time - (reads[i]?.time ?? 0));
}

describe.each(faces)('the timeout limits against the real test server over $protocol', ({ protocol, origin }) => {
  it('end headers that never come, and the server records the abort', async () => {
    const id = crypto.randomUUID();
    const startedAt = performance.now();
    const { error } = await collect(
      transfer({ url: `${origin()}/slow-headers?id=${id}&ms=20000`, timeout: { headers: LIMIT }, retry: false }),
    );
    const elapsed = performance.now() - startedAt;
    console.info(`${protocol} headers never come: TimeoutError after ${elapsed.toFixed(1)} ms (bound ${WITHIN})`);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'headers' });
    expect(elapsed).toBeGreaterThanOrEqual(LIMIT);
    expect(elapsed).toBeLessThan(WITHIN);
    await expect.poll(() => server().records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
  });

  it('end a download that stalls mid-way, and the server records the abort', async () => {
    const id = crypto.randomUUID();
    const { events, error } = await collect(
      transfer({
        url: `${origin()}/download?id=${id}&size=1000000&stallAt=500000`,
        responseType: 'none',
        progressInterval: 0,
        timeout: { download: LIMIT },
        retry: false,
      }),
    );
    const lastByte = progressOf(events, 'download-progress').at(-1)?.time ?? Number.NaN;
    const idle = performance.timeOrigin + performance.now() - lastByte;
    console.info(`${protocol} body stalls: TimeoutError ${idle.toFixed(1)} ms after the last byte (bound ${WITHIN})`);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'download', downloaded: 500000 });
    expect(idle).toBeGreaterThanOrEqual(LIMIT);
    expect(idle).toBeLessThan(WITHIN);
    await expect.poll(() => server().records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
  });

  it('bound the read of an error response whose body stalls (a 500 used to wait for it forever)', async () => {
    const id = crypto.randomUUID();
    const startedAt = performance.now();
    const { events, error } = await collect(
      transfer({
        url: `${origin()}/download?id=${id}&size=100000&stallAt=100&status=500`,
        timeout: { download: LIMIT },
        retry: false,
      }),
    );
    expect(events.map((event) => event.type)).toEqual(['start', 'headers']);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'download' });
    expect(performance.now() - startedAt).toBeLessThan(WITHIN + 100);
    await expect.poll(() => server().records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
  });

  it('let a body that drips a byte every 900 ms complete under a 1 s idle limit', async () => {
    // 100 ms spare per byte: on a loaded machine the server's timer can write a byte late, and a byte then truly comes
    // after more than 1 s of silence: the limit is right to end it. Such a run is tried again (at most three in all);
    // one that timed out with the server on time fails.
    for (let tries = 1; ; tries++) {
      const id = crypto.randomUUID();
      const { events, error } = await collect(
        transfer({
          url: `${origin()}/drip?id=${id}&ms=${DRIP_MS}&bytes=3`,
          responseType: 'arrayBuffer',
          progressInterval: 0,
          timeout: { download: DRIP_LIMIT },
          retry: false,
        }),
      );
      const gaps = downloadGaps(events);
      const written = server().records.get(id)?.dripGaps ?? [];
      console.info(
        `${protocol} dripped body: gaps ${gaps.map((gap) => gap.toFixed(1)).join(', ')} ms; server ${written.join(', ')} ms`,
      );
      if (error !== undefined && Math.max(...written) > DRIP_LIMIT - 50 && tries < 3) continue;
      expect(error).toBeUndefined();
      expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'complete']);
      expect(progressOf(events, 'download-progress').map((event) => event.loaded)).toEqual([1, 2, 3]);
      // Each byte came close to the limit (by the server's clock: the client's gaps jitter either way on a loaded
      // machine), and together they outlasted it: each one moved the idle timer on.
      expect(written.filter((gap) => gap < DRIP_MS - 5)).toEqual([]);
      expect(gaps.reduce((sum, gap) => sum + gap)).toBeGreaterThan(DRIP_LIMIT);
      expect(server().records.get(id)).toMatchObject({ responseComplete: true, clientAborted: false });
      return;
    }
  });
});

describe('the headers deadline against dripped headers (HTTP/1.1: an HTTP/2 HEADERS frame comes whole)', () => {
  it('ends headers dripped a byte every 900 ms at the 1 s deadline, and the server records the abort', async () => {
    const id = crypto.randomUUID();
    const startedAt = performance.now();
    const { events, error } = await collect(
      transfer({
        url: `${server().http1}/dripped-headers?id=${id}&ms=${DRIP_MS}`,
        timeout: { headers: DRIP_LIMIT },
        retry: false,
      }),
    );
    const elapsed = performance.now() - startedAt;
    console.info(`HTTP/1.1 dripped headers: TimeoutError after ${elapsed.toFixed(1)} ms (bound ${within(DRIP_LIMIT)})`);
    expect(sequence(events)).toEqual(['start']);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'headers', limit: DRIP_LIMIT });
    expect(elapsed).toBeGreaterThanOrEqual(DRIP_LIMIT);
    expect(elapsed).toBeLessThan(within(DRIP_LIMIT));
    await expect.poll(() => server().records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
    // The server had dripped more than a byte: the connection was not idle, and the deadline ended it anyway.
    expect(server().records.get(id)?.bytesSent).toBeGreaterThanOrEqual(2);
  });
});
