/**
 * Issue 15's queue (`rx-transfer/queue`) against the mocked API: the order of its events per item and per batch,
 * priorities, the concurrency limit under load, failures with and without `stopOnError`, each item's own retry and
 * timeout, the aggregate's sampling and its promises (monotonic, 100% once, honest with unknown totals), bad input,
 * and cancellation.
 */
import { describe, expect, it } from 'vitest';
import { HTTPError, InvalidTransferOptionError, TimeoutError, TruncatedBodyError } from '../lib/index.js';
import { isInvalidQueueOptionError, type QueueEvent, type QueueItem, transferAll } from '../lib/queue/index.js';
import { sleep } from './support/collect.js';
import {
  aggregateInvariants,
  aggregatesOf,
  batchShape,
  collectQueue,
  sequencesByKey,
  startOrder,
  summaryOf,
} from './support/collect-queue.js';
import { API, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

/** A download of `size` bytes from /paced (a chunk of `chunk` bytes every `every` ms), its size declared. */
const paced = (key: string, size = 4096, extra: Partial<QueueItem> = {}, query = 'chunk=1024&every=2'): QueueItem => ({
  key,
  options: { url: `${API}/paced?size=${size}&${query}`, responseType: 'none' },
  size,
  ...extra,
});

/** An item whose response never ends after its first 100 bytes. */
const hanging = (key: string, extra: Partial<QueueItem> = {}): QueueItem => ({
  key,
  options: { url: `${API}/hang-body?key=${key}`, responseType: 'none' },
  ...extra,
});

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** The most items that were between their first `start` and their end at once, as their events show. */
function mostRunning<K>(events: readonly QueueEvent<K>[]): number {
  const running = new Set<K>();
  let most = 0;
  for (const event of events) {
    if (event.type === 'item' && event.event.type === 'start') running.add(event.key);
    if (event.type === 'item' && event.event.type === 'complete') running.delete(event.key);
    if (event.type === 'item-failed' || event.type === 'item-cancelled') running.delete(event.key);
    most = Math.max(most, running.size);
  }
  return most;
}

describe('transferAll', () => {
  it("tags each item's events with its key in its transfer's order, and ends with an aggregate and a summary", async () => {
    const items = Array.from({ length: 8 }, (_, i) => paced(`file-${i}`));
    const { events, error, completed } = await collectQueue(transferAll(items, { concurrency: 3 }));
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    const byKey = sequencesByKey(events);
    expect([...byKey.keys()]).toEqual(items.map((item) => item.key));
    for (const sequence of byKey.values()) {
      expect(sequence).toEqual(['start', 'headers', 'download-progress+', 'complete']);
    }
    expect(batchShape(events).slice(-2)).toEqual(['aggregate+', 'summary']);
    expect(events.at(-2)?.type).toBe('aggregate');
    expect(summaryOf(events)).toMatchObject({
      items: { total: 8, done: 8, failed: 0, cancelled: 0 },
      failed: [],
      cancelled: [],
      stopped: false,
      bytes: 8 * 4096,
    });
    expect(seen.paced.most).toBe(3);
  });

  it('starts items by priority, highest first, and in the order they came among equals', async () => {
    const priorities = { a: 0, b: 5, c: 0, d: 5, e: -1, f: 10, g: 0 };
    const items = Object.entries(priorities).map(([key, priority]) => paced(key, 1024, { priority }));
    const { events } = await collectQueue(transferAll(items, { concurrency: 1 }));
    expect(startOrder(events)).toEqual(['f', 'b', 'd', 'a', 'c', 'g', 'e']);
    expect(mostRunning(events)).toBe(1);
  });

  it('never runs more items than the concurrency limit, under load with 300 items of random sizes and pace', async () => {
    const items = Array.from({ length: 300 }, (_, i) =>
      paced(`item-${i}`, 512 + ((i * 7919) % 4096), {}, `chunk=512&every=${i % 4}`),
    );
    const { events, error } = await collectQueue(transferAll(items, { concurrency: 6, progressInterval: 10 }));
    expect(error).toBeUndefined();
    const aggregates = aggregatesOf(events);
    // The limit, as the server saw open responses, as the items' events show, and as the aggregates count them.
    expect(seen.paced.most).toBe(6);
    expect(mostRunning(events)).toBe(6);
    expect(Math.max(...aggregates.map((a) => a.items.running))).toBeLessThanOrEqual(6);
    expect(summaryOf(events).items).toEqual({ total: 300, done: 300, failed: 0, cancelled: 0 });
  });

  it('goes on after an item fails, and lists the failure in the summary', async () => {
    const items: QueueItem[] = [
      paced('first'),
      { key: 'broken', options: { url: `${API}/status/500`, retry: false } },
      paced('last'),
    ];
    const { events, completed } = await collectQueue(transferAll(items, { concurrency: 1 }));
    expect(completed).toBe(true);
    expect(sequencesByKey(events).get('broken')).toEqual(['start', 'headers', 'item-failed']);
    const summary = summaryOf(events);
    expect(summary.items).toEqual({ total: 3, done: 2, failed: 1, cancelled: 0 });
    expect(summary.failed).toEqual([{ key: 'broken', error: expect.any(HTTPError) }]);
    expect(startOrder(events)).toEqual(['first', 'broken', 'last']);
  });

  it('stops at the first failure under stopOnError: the running items are aborted (the server sees it), the waiting never sent', async () => {
    const items: QueueItem[] = [
      hanging('running-1'),
      hanging('running-2'),
      hanging('running-3'),
      { key: 'broken', options: { url: `${API}/status/500?after=hang`, retry: false } },
      paced('waiting-1'),
      paced('waiting-2'),
    ];
    const { events, completed } = await collectQueue(transferAll(items, { concurrency: 4, stopOnError: true }));
    expect(completed).toBe(true);
    const shape = batchShape(events);
    expect(shape.slice(shape.indexOf('item-failed'))).toEqual([
      'item-failed',
      ...Array(5).fill('item-cancelled:stop'),
      'aggregate+',
      'summary',
    ]);
    const summary = summaryOf(events);
    expect(summary).toMatchObject({ stopped: true, stoppedBy: 'broken', items: { total: 6, failed: 1, cancelled: 5 } });
    expect(summary.cancelled).toEqual(['running-1', 'running-2', 'running-3', 'waiting-1', 'waiting-2']);
    const cancelled = events.filter((event) => event.type === 'item-cancelled');
    expect(cancelled.map((event) => [event.key, event.started])).toEqual([
      ['running-1', true],
      ['running-2', true],
      ['running-3', true],
      ['waiting-1', false],
      ['waiting-2', false],
    ]);
    await eventually(() => seen.cancelled.filter((path) => path === '/hang-body').length === 3);
    expect(seen.requests.some((request) => request.url.includes('/paced'))).toBe(false);
  });

  it("keeps each item's own retry policy and timeout", async () => {
    const items: QueueItem[] = [
      { key: 'retried', options: { url: `${API}/status/503`, retry: { limit: 2, maxRetryAfter: 0 } } },
      { key: 'not-retried', options: { url: `${API}/status/503`, retry: false } },
      { key: 'slow', options: { url: `${API}/slow-headers`, retry: false, timeout: { headers: 100 } } },
      paced('fine'),
    ];
    const { events } = await collectQueue(transferAll(items, { concurrency: 4 }));
    const byKey = sequencesByKey(events);
    expect(byKey.get('retried')).toEqual([
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'item-failed',
    ]);
    expect(byKey.get('not-retried')).toEqual(['start', 'headers', 'item-failed']);
    expect(byKey.get('slow')).toEqual(['start', 'item-failed']);
    expect(byKey.get('fine')?.at(-1)).toBe('complete');
    const failed = summaryOf(events).failed;
    expect(failed.map(({ key }) => key).sort()).toEqual(['not-retried', 'retried', 'slow']);
    const timedOut = failed.find(({ key }) => key === 'slow')?.error;
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut).toMatchObject({ phase: 'headers' });
  });

  it('samples the aggregate: at most one per interval, however many item events there are', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({
      ...paced(`item-${i}`, 32_768, {}, 'chunk=256&every=2'),
      options: { url: `${API}/paced?size=32768&chunk=256&every=2`, responseType: 'none' as const, progressInterval: 0 },
    }));
    const began = performance.now();
    const { events } = await collectQueue(transferAll(items, { concurrency: 6, progressInterval: 50 }));
    const took = performance.now() - began;
    const aggregates = aggregatesOf(events);
    const progress = events.filter((event) => event.type === 'item' && event.event.type === 'download-progress');
    expect(progress.length).toBeGreaterThanOrEqual(6 * 128);
    // One at the first change, one per 50 ms while items run, and the final one.
    expect(aggregates.length).toBeLessThanOrEqual(Math.ceil(took / 50) + 2);
    expect(aggregates.length).toBeGreaterThanOrEqual(3);
    const gaps = aggregates.slice(1, -1).map((event, index) => event.time - (aggregates[index] as typeof event).time);
    // setTimeout may fire a millisecond early by the clock.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(48);
  });

  it('reports monotonic progress that reaches 100% exactly once, in the last aggregate, when every total is known', async () => {
    const upload = (key: string, bytes: number): QueueItem => ({
      key,
      options: { url: `${API}/echo`, method: 'POST', body: new Blob([new Uint8Array(bytes)]) },
    });
    const items = [paced('a', 20_000), upload('b', 150_000), paced('c', 8192), upload('d', 3000), paced('e', 4096)];
    const { events } = await collectQueue(transferAll(items, { concurrency: 2, progressInterval: 5 }));
    const aggregates = aggregatesOf(events);
    expect(aggregates.length).toBeGreaterThan(2);
    expect(aggregateInvariants(aggregates)).toEqual([]);
    const total = 20_000 + 150_000 + 8192 + 3000 + 4096;
    expect(aggregates.every((event) => event.total === total)).toBe(true);
    expect(aggregates.at(-1)).toMatchObject({ loaded: total, percent: 100, items: { done: 5, running: 0 } });
  });

  it('is honest when some totals are unknown: their bytes are counted apart, and the figures say they are partial', async () => {
    const items: QueueItem[] = [
      paced('declared', 4096),
      { key: 'stated', options: { url: `${API}/paced?size=8192&chunk=1024&every=2`, responseType: 'none' } },
      { key: 'unknown', options: { url: `${API}/paced?size=4096&length=none&every=2`, responseType: 'none' } },
    ];
    const { events } = await collectQueue(transferAll(items, { concurrency: 1, progressInterval: 1 }));
    const aggregates = aggregatesOf(events);
    expect(aggregates[0]).toMatchObject({ partial: true, total: 4096, items: { unknown: 2 } });
    // Once the second item's response states its length, only the third is unknown.
    expect(aggregates.some((a) => a.items.unknown === 1 && a.total === 4096 + 8192)).toBe(true);
    for (const aggregate of aggregates) {
      expect(aggregate.partial).toBe(aggregate.items.unknown > 0);
      expect(aggregate.partial).toBe(true);
      expect(aggregate.eta).toBeUndefined();
      expect(aggregate.loaded).toBeLessThanOrEqual(aggregate.total);
    }
    expect(aggregates.at(-1)).toMatchObject({
      loaded: 12_288,
      total: 12_288,
      percent: 100,
      unknownLoaded: 4096,
      items: { unknown: 1, done: 3 },
    });
    expect(summaryOf(events).bytes).toBe(12_288 + 4096);
  });

  it('counts a retried download once: an attempt that starts again from 0 adds nothing until it passes the furthest point', async () => {
    const items: QueueItem[] = [
      { key: 'cut', options: { url: `${API}/truncated`, responseType: 'none', retry: { limit: 2, delay: 0 } } },
    ];
    const { events } = await collectQueue(transferAll(items, { progressInterval: 1 }));
    expect(
      sequencesByKey(events)
        .get('cut')
        ?.filter((label) => label === 'start'),
    ).toHaveLength(3);
    expect(summaryOf(events).failed[0]?.error).toBeInstanceOf(TruncatedBodyError);
    expect(aggregatesOf(events).at(-1)).toMatchObject({ loaded: 500, total: 1000, percent: 50 });
    expect(summaryOf(events).bytes).toBe(500);
  });

  it('replaces a declared size with the total the response states', async () => {
    const items = [{ ...paced('a', 4096), size: 9999 }];
    const { events } = await collectQueue(transferAll(items, { progressInterval: 1 }));
    expect(aggregatesOf(events)[0]?.total).toBe(9999);
    expect(aggregatesOf(events).at(-1)).toMatchObject({ loaded: 4096, total: 4096, percent: 100 });
  });

  it('counts an upload by its request body and a download by its response, or as `direction` says', async () => {
    const body = new Uint8Array(5000);
    const items: QueueItem[] = [
      { key: 'up', options: { url: `${API}/echo`, method: 'POST', body } },
      {
        key: 'down',
        options: { url: `${API}/echo`, method: 'POST', body, responseType: 'text' },
        direction: 'download',
      },
    ];
    const { events } = await collectQueue(transferAll(items, { progressInterval: 1 }));
    const final = aggregatesOf(events).at(-1);
    const echoed = events.find(
      (event) => event.type === 'item' && event.key === 'down' && event.event.type === 'complete',
    );
    if (echoed?.type !== 'item' || echoed.event.type !== 'complete') throw new Error('no complete for down');
    expect(final).toMatchObject({ loaded: 5000 + echoed.event.downloaded, items: { done: 2 } });
    expect(aggregatesOf(events)[0]).toMatchObject({ total: 5000, items: { unknown: 1 } });
  });

  it('ends an empty set at once with an aggregate and a summary', async () => {
    const { events, completed } = await collectQueue(transferAll([]));
    expect(completed).toBe(true);
    expect(events.map((event) => event.type)).toEqual(['aggregate', 'summary']);
    expect(events[0]).toMatchObject({ percent: undefined, items: { total: 0 } });
    expect(summaryOf(events)).toMatchObject({ items: { total: 0, done: 0 }, bytes: 0 });
  });

  it.each([
    ['concurrency', { concurrency: 0 }, undefined],
    ['concurrency', { concurrency: 1.5 }, undefined],
    ['stopOnError', { stopOnError: 'yes' }, undefined],
    ['progressInterval', { progressInterval: -5 }, undefined],
    ['options', 'fast', undefined],
  ])('refuses a bad queue option (%s) before any traffic', async (option, options, key) => {
    const { error } = await collectQueue(transferAll([paced('a')], options as never));
    expect(isInvalidQueueOptionError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'InvalidQueueOptionError', option, key });
    expect(seen.requests).toEqual([]);
  });

  it('refuses items that are no iterable, before any traffic', async () => {
    const { error } = await collectQueue(transferAll({ key: 'a' } as never));
    expect(error).toMatchObject({ name: 'InvalidQueueOptionError', option: 'items' });
    expect((error as Error).message).toBe('Invalid queue option `items`: expected an iterable of items, got an object');
  });

  it.each([
    ['key', [paced('a'), paced('b'), paced('a')], 'a', /item "a" `key`/],
    [
      'priority',
      [paced('a'), paced('b', 10, { priority: Number.NaN })],
      'b',
      /`priority`: expected a finite number, got NaN/,
    ],
    ['size', [paced('a', 10, { size: -1 })], 'a', /`size`/],
    ['direction', [paced('a', 10, { direction: 'sideways' as never })], 'a', /`direction`/],
    ['item', [paced('a'), 'b' as never], undefined, /`item`/],
  ])('refuses a bad item field (%s) before any traffic, naming the item', async (option, items, key, message) => {
    const { error } = await collectQueue(transferAll(items as QueueItem[]));
    expect(error).toMatchObject({ name: 'InvalidQueueOptionError', option, key });
    expect((error as Error).message).toMatch(message);
    expect(seen.requests).toEqual([]);
  });

  it("refuses an item's bad transfer options as transfer does, before any item is sent", async () => {
    const items: QueueItem[] = [paced('a'), { key: 'b', options: { url: 'ftp://files.test/b' } }];
    const { error } = await collectQueue(transferAll(items));
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option: 'url' });
    expect(seen.requests).toEqual([]);
  });

  it('aborts every item in flight when unsubscribed, starts no other, and sends no event after', async () => {
    const items = [hanging('a'), hanging('b'), hanging('c'), hanging('d'), paced('later-1'), paced('later-2')];
    const events: QueueEvent[] = [];
    const subscription = transferAll(items, { concurrency: 4, progressInterval: 10 }).subscribe((event) =>
      events.push(event),
    );
    const progressed = () =>
      new Set(events.flatMap((e) => (e.type === 'item' && e.event.type === 'download-progress' ? [e.key] : []))).size;
    await eventually(() => progressed() === 4);
    subscription.unsubscribe();
    const seenThen = events.length;
    await eventually(() => seen.cancelled.filter((path) => path === '/hang-body').length === 4);
    await sleep(100);
    expect(events.length).toBe(seenThen);
    expect(seen.requests.map((request) => new URL(request.url).pathname)).toEqual(Array(4).fill('/hang-body'));
  });

  it('counts an item aborted by its own signal as cancelled, and does not stop the batch for it', async () => {
    const controller = new AbortController();
    const items: QueueItem[] = [
      { ...hanging('mine'), options: { ...hanging('mine').options, signal: controller.signal } },
      paced('other', 8192, {}, 'chunk=1024&every=10'),
    ];
    const events: QueueEvent[] = [];
    const done = collectQueue(transferAll(items, { stopOnError: true }));
    void done.then((outcome) => events.push(...outcome.events));
    await eventually(() => seen.requests.length === 2);
    await sleep(20);
    controller.abort();
    const { events: all } = await done;
    expect(sequencesByKey(all).get('mine')?.at(-1)).toBe('item-cancelled:signal');
    expect(summaryOf(all)).toMatchObject({ stopped: false, cancelled: ['mine'], items: { done: 1, cancelled: 1 } });
  });
});
