/**
 * Issue 15's long-lived queue (`createTransferQueue`) against the mocked API: cold start, pause and resume, cancelling
 * one item or all, batches one after another, shared subscribers, and input refused before any traffic.
 */
import { describe, expect, it } from 'vitest';
import {
  createTransferQueue,
  isInvalidQueueOptionError,
  type QueueEvent,
  type QueueItem,
  type QueueSummaryEvent,
} from '../lib/queue/index.js';
import { sleep } from './support/collect.js';
import { aggregatesOf, sequencesByKey, startOrder } from './support/collect-queue.js';
import { API, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

const paced = (key: string, size = 2048, every = 5): QueueItem => ({
  key,
  options: { url: `${API}/paced?size=${size}&chunk=512&every=${every}&key=${key}`, responseType: 'none' },
});
const hanging = (key: string): QueueItem => ({
  key,
  options: { url: `${API}/hang-body?key=${key}`, responseType: 'none' },
});

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** Subscribes to a queue's events, keeping them; `summaries()` are the batch ends so far. */
function watch<K>(events$: import('rxjs').Observable<QueueEvent<K>>) {
  const events: QueueEvent<K>[] = [];
  const subscription = events$.subscribe((event) => events.push(event));
  const summaries = () => events.filter((event): event is QueueSummaryEvent<K> => event.type === 'summary');
  const keysOf = (type: 'complete' | 'start') =>
    events.flatMap((event) => (event.type === 'item' && event.event.type === type ? [event.key] : []));
  return { events, subscription, summaries, keysOf };
}

const requested = () => seen.requests.map((request) => new URL(request.url).searchParams.get('key'));

describe('createTransferQueue', () => {
  it('is cold: items added before anyone subscribes wait, and run on subscription', async () => {
    const queue = createTransferQueue({ concurrency: 2 });
    queue.add(paced('a'));
    queue.add(paced('b'));
    await sleep(50);
    expect(seen.requests).toEqual([]);
    const run = watch(queue.events$);
    await eventually(() => run.summaries().length === 1);
    expect(run.summaries()[0]).toMatchObject({ items: { total: 2, done: 2 } });
    run.subscription.unsubscribe();
  });

  it('pause starts no more items and lets the running ones finish; resume starts the rest', async () => {
    const queue = createTransferQueue({ concurrency: 2, progressInterval: 10 });
    const run = watch(queue.events$);
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(paced(key));
    queue.pause();
    expect(queue.paused).toBe(true);
    await eventually(() => run.keysOf('complete').length === 2);
    await sleep(100);
    expect(run.keysOf('start')).toEqual(['a', 'b']);
    expect(aggregatesOf(run.events).at(-1)).toMatchObject({
      paused: true,
      eta: undefined,
      items: { waiting: 3, running: 0, done: 2 },
    });
    expect(run.summaries()).toEqual([]);
    queue.resume();
    await eventually(() => run.summaries().length === 1);
    expect(startOrder(run.events)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(run.summaries()[0]?.items).toEqual({ total: 5, done: 5, failed: 0, cancelled: 0 });
    run.subscription.unsubscribe();
  });

  it('cancels a waiting item with no request, and a running one with its request aborted', async () => {
    const queue = createTransferQueue({ concurrency: 1 });
    const run = watch(queue.events$);
    queue.add(hanging('running'));
    queue.add(paced('waiting'));
    await eventually(() =>
      run.events.some((event) => event.type === 'item' && event.event.type === 'download-progress'),
    );
    expect(queue.cancel('waiting')).toBe(true);
    expect(queue.cancel('running')).toBe(true);
    expect(queue.cancel('never-added')).toBe(false);
    const byKey = sequencesByKey(run.events);
    expect(byKey.get('waiting')).toEqual(['item-cancelled:cancel']);
    expect(byKey.get('running')).toEqual(['start', 'headers', 'download-progress+', 'item-cancelled:cancel']);
    expect(run.events.filter((e) => e.type === 'item-cancelled').map((e) => [e.key, e.started])).toEqual([
      ['waiting', false],
      ['running', true],
    ]);
    expect(run.summaries()[0]).toMatchObject({ cancelled: ['waiting', 'running'], items: { total: 2, cancelled: 2 } });
    await eventually(() => seen.cancelled.includes('/hang-body'));
    expect(requested()).toEqual(['running']);
    run.subscription.unsubscribe();
  });

  it('cancelAll ends the batch with its summary, and the queue takes new items after, a settled key included', async () => {
    const queue = createTransferQueue({ concurrency: 2 });
    const run = watch(queue.events$);
    for (const key of ['a', 'b', 'c']) queue.add(hanging(key));
    expect(() => queue.add(paced('a'))).toThrow(/item "a" `key`: expected a key that no unsettled item/);
    await eventually(() => seen.requests.length === 2);
    queue.cancelAll();
    expect(run.summaries()).toHaveLength(1);
    expect(run.summaries()[0]).toMatchObject({ cancelled: ['a', 'b', 'c'], items: { total: 3, cancelled: 3 } });
    queue.add(paced('a'));
    await eventually(() => run.summaries().length === 2);
    expect(run.summaries()[1]).toMatchObject({ cancelled: [], items: { total: 1, done: 1 } });
    await eventually(() => seen.cancelled.filter((path) => path === '/hang-body').length === 2);
    run.subscription.unsubscribe();
  });

  it('ends a batch each time it empties, with figures and a duration of that batch alone', async () => {
    const queue = createTransferQueue({ progressInterval: 5 });
    const run = watch(queue.events$);
    queue.add(paced('one', 1000));
    await eventually(() => run.summaries().length === 1);
    await sleep(300);
    const added = performance.timeOrigin + performance.now();
    queue.add(paced('two', 3000));
    queue.add(paced('three', 3000));
    await eventually(() => run.summaries().length === 2);
    // A batch lasts from its first item: the idle time before it is not counted.
    const second = run.summaries()[1] as QueueSummaryEvent<string>;
    expect(second.duration).toBeLessThanOrEqual(second.time - added);
    expect(run.summaries().map((summary) => [summary.items.total, summary.bytes])).toEqual([
      [1, 1000],
      [2, 6000],
    ]);
    const batchTwo = aggregatesOf(run.events.slice(run.events.indexOf(run.summaries()[0] as QueueEvent)));
    expect(batchTwo.at(-1)).toMatchObject({ loaded: 6000, total: 6000, percent: 100 });
    run.subscription.unsubscribe();
  });

  it('stops only the batch under way at a failure with stopOnError, and runs the next', async () => {
    const queue = createTransferQueue({ concurrency: 3, stopOnError: true });
    const run = watch(queue.events$);
    queue.add(hanging('slow'));
    queue.add({ key: 'broken', options: { url: `${API}/status/500`, retry: false } });
    await eventually(() => run.summaries().length === 1);
    expect(run.summaries()[0]).toMatchObject({ stopped: true, stoppedBy: 'broken', cancelled: ['slow'] });
    queue.add(paced('next'));
    await eventually(() => run.summaries().length === 2);
    expect(run.summaries()[1]).toMatchObject({ stopped: false, items: { done: 1 } });
    run.subscription.unsubscribe();
  });

  it('shares one run between subscribers, and aborts the items in flight when the last one leaves', async () => {
    const queue = createTransferQueue({ concurrency: 2 });
    const first = watch(queue.events$);
    const second = watch(queue.events$);
    queue.add(hanging('a'));
    queue.add(hanging('b'));
    queue.add(paced('c'));
    await eventually(() => seen.requests.length === 2);
    first.subscription.unsubscribe();
    await sleep(50);
    expect(seen.cancelled).toEqual([]);
    second.subscription.unsubscribe();
    const count = second.events.length;
    await eventually(() => seen.cancelled.filter((path) => path === '/hang-body').length === 2);
    await sleep(50);
    expect(second.events.length).toBe(count);
    expect(requested().sort()).toEqual(['a', 'b']);
    // Nobody listens: items added now wait for the next subscription, which starts afresh.
    queue.add(paced('d'));
    const third = watch(queue.events$);
    await eventually(() => third.summaries().length === 1);
    expect(third.summaries()[0]).toMatchObject({ items: { total: 1, done: 1 } });
    third.subscription.unsubscribe();
  });

  it('refuses bad options and items at once, before any traffic', () => {
    expect(() => createTransferQueue({ concurrency: -1 })).toThrow(/Invalid queue option `concurrency`/);
    const queue = createTransferQueue();
    const thrown = (item: unknown) => {
      try {
        queue.add(item as QueueItem);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(isInvalidQueueOptionError(thrown({ key: 'a', options: { url: `${API}/bytes` }, priority: '1' }))).toBe(true);
    expect(thrown({ key: 'a', options: { url: `${API}/bytes`, timeout: { total: -1 } } })).toMatchObject({
      name: 'InvalidTransferOptionError',
      option: 'timeout',
    });
    expect(thrown({ key: 'ok', options: { url: `${API}/bytes` } })).toBeUndefined();
    expect(thrown({ key: 'ok', options: { url: `${API}/bytes` } })).toMatchObject({ option: 'key', key: 'ok' });
    expect(queue.cancel('ok')).toBe(true);
    expect(thrown({ key: 'ok', options: { url: `${API}/bytes` } })).toBeUndefined();
    expect(seen.requests).toEqual([]);
  });
});
