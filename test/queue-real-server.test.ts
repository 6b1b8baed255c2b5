/**
 * Issue 15's queue against the project's real test server (scripts/server/): cancelling every item in flight is seen
 * by the server for each of them (over HTTP/1.1 and HTTP/2, downloads and streamed uploads alike), a 100% aggregate
 * waits for the last answer, and 1,000 downloads of 64 KiB at concurrency 6 keep the heap flat.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createTransferQueue, type QueueEvent, type QueueItem, transferAll } from '../lib/queue/index.js';
import { sleep } from './support/collect.js';
import { aggregateInvariants, aggregatesOf, collectQueue } from './support/collect-queue.js';
import { useTransferServer } from './support/use-transfer-server.js';

const { server, faces } = useTransferServer();

setFlagsFromString('--expose-gc');
/** V8's collector, reached without starting Node with --expose-gc. */
const collectGarbage = runInNewContext('gc') as () => void;

const MiB = 2 ** 20;

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe.each(faces)('the queue against the real test server over $protocol', ({ origin, recorded }) => {
  /** A download paced at 1 MB/s, far longer than the test. */
  const slowDownload = (key: string, id: string): QueueItem => ({
    key,
    options: { url: `${origin()}/download?size=${64 * MiB}&rate=1000000&id=${id}`, responseType: 'none' },
  });
  /** A streamed upload the server reads at 1 MB/s. */
  const slowUpload = (key: string, id: string): QueueItem => ({
    key,
    options: {
      url: `${origin()}/upload?readRate=1000000&id=${id}`,
      method: 'PUT',
      body: new Blob([new Uint8Array(32 * MiB)]),
      transport: 'fetch-stream',
    },
  });

  it('cancelAll aborts every item in flight, and the server sees each of them go; the waiting ones never reach it', async () => {
    const ids = Array.from({ length: 6 }, () => crypto.randomUUID());
    const queue = createTransferQueue({ concurrency: 4 });
    const events: QueueEvent[] = [];
    const subscription = queue.events$.subscribe((event) => events.push(event));
    for (const [i, id] of ids.entries()) {
      queue.add(i % 2 === 0 ? slowDownload(`item-${i}`, id) : slowUpload(`item-${i}`, id));
    }
    const moving = () =>
      new Set(events.flatMap((e) => (e.type === 'item' && e.event.type.endsWith('-progress') ? [e.key] : []))).size;
    await eventually(() => moving() === 4);
    queue.cancelAll();
    const cancelled = events.filter((event) => event.type === 'item-cancelled');
    expect(cancelled.map((event) => [event.key, event.started])).toEqual([
      ['item-0', true],
      ['item-1', true],
      ['item-2', true],
      ['item-3', true],
      ['item-4', false],
      ['item-5', false],
    ]);
    const inFlight = ids.slice(0, 4);
    const records = await Promise.all(
      inFlight.map((id) => server().records.waitFor(id, (r) => r.clientAborted, 10_000)),
    );
    for (const record of records) {
      expect(record).toMatchObject({ protocol: recorded, clientAborted: true, requests: 1 });
      expect(record.responseComplete).toBe(false);
    }
    for (const id of ids.slice(4)) expect(server().records.get(id)).toBeUndefined();
    subscription.unsubscribe();
  });

  it('unsubscribing from transferAll aborts every item in flight, and the server sees each of them go', async () => {
    const ids = Array.from({ length: 8 }, () => crypto.randomUUID());
    const items = ids.map((id, i) => (i % 2 === 0 ? slowDownload(`item-${i}`, id) : slowUpload(`item-${i}`, id)));
    const events: QueueEvent[] = [];
    const subscription = transferAll(items, { concurrency: 6 }).subscribe((event) => events.push(event));
    await eventually(() =>
      ids
        .slice(0, 6)
        .every((id) => (server().records.get(id)?.bytesSent ?? 0) + (server().records.get(id)?.bytesReceived ?? 0) > 0),
    );
    subscription.unsubscribe();
    const count = events.length;
    const records = await Promise.all(
      ids.slice(0, 6).map((id) => server().records.waitFor(id, (r) => r.clientAborted, 10_000)),
    );
    expect(records.every((record) => record.clientAborted && !record.responseComplete)).toBe(true);
    for (const id of ids.slice(6)) expect(server().records.get(id)).toBeUndefined();
    await sleep(50);
    expect(events.length).toBe(count);
  });

  it('holds a 100% aggregate back until the server has answered the last upload', async () => {
    const items: QueueItem[] = [
      {
        key: 'up',
        options: { url: `${origin()}/upload?respondAfter=400`, method: 'PUT', body: new Uint8Array(2 * MiB) },
      },
    ];
    const { events } = await collectQueue(transferAll(items, { progressInterval: 20 }));
    const aggregates = aggregatesOf(events);
    const lastProgress = events.findLast((e) => e.type === 'item' && e.event.type === 'upload-progress');
    const complete = events.find((e) => e.type === 'item' && e.event.type === 'complete');
    if (lastProgress?.type !== 'item' || complete?.type !== 'item') throw new Error('no upload progress or complete');
    expect(lastProgress.event).toMatchObject({ loaded: 2 * MiB, percent: 100 });
    expect(complete.event.time - lastProgress.event.time).toBeGreaterThanOrEqual(350);
    expect(aggregateInvariants(aggregates)).toEqual([]);
    expect(aggregates.at(-1)?.time).toBeGreaterThanOrEqual(complete.event.time);
    expect(aggregates.at(-2)?.percent).toBeLessThan(100);
  });
});

describe('1,000 downloads of 64 KiB at concurrency 6', () => {
  it('keep memory flat: measured after collection every 100 items, heap and external memory grow by far less than the bytes moved', async () => {
    const url = `${server().http1}/download?size=65536`;
    const items = (count: number, from = 0) =>
      Array.from(
        { length: count },
        (_, i): QueueItem<number> => ({
          key: from + i,
          options: { url, responseType: 'arrayBuffer' },
        }),
      );
    // Warm-up: code compiled, connections open, before the first figure.
    await collectQueue(transferAll(items(100), { concurrency: 6 }));
    const heaps: number[] = [];
    // The bodies' ArrayBuffers live outside the JS heap: `external` counts them (and undici's buffers, which come and go).
    const externals: number[] = [];
    let done = 0;
    let summary: QueueEvent<number> | undefined;
    await new Promise<void>((resolve, reject) => {
      transferAll(items(1000, 100), { concurrency: 6 }).subscribe({
        next: (event) => {
          if (event.type === 'summary') summary = event;
          if (event.type !== 'item' || event.event.type !== 'complete' || ++done % 100 !== 0) return;
          collectGarbage();
          const { heapUsed, external } = process.memoryUsage();
          heaps.push(heapUsed);
          externals.push(external);
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(summary).toMatchObject({ items: { total: 1000, done: 1000 }, bytes: 1000 * 65_536 });
    expect(heaps).toHaveLength(10);
    const mib = (values: number[]) => values.map((value) => (value / MiB).toFixed(1)).join(' ');
    console.log(`after every 100 of 1,000 items, MiB: heap ${mib(heaps)}; external ${mib(externals)}`);
    // 62.5 MiB moved. Objects kept per item would grow the heap; bodies kept would grow external memory by 64 KiB each
    // (900 of them: 56 MiB). Generous bounds for a loaded machine: the heap within 8 MiB of its first figure, and the
    // last external figures within 16 MiB of the first ones (they swing by 20 MiB as buffers come and go).
    expect(Math.max(...heaps) - (heaps[0] as number)).toBeLessThan(8 * MiB);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] as number;
    expect(median(externals.slice(-3)) - median(externals.slice(0, 3))).toBeLessThan(16 * MiB);
  });
});
