import { Observable, type Subscriber } from 'rxjs';
import type { QueueEvent } from './queue-events.js';
import type { QueueItem, QueueOptions } from './queue-options.js';
import { createQueueRun, type QueueRun } from './queue-run.js';
import { checkItem, queueSettings } from './validate-queue.js';

/**
 * A long-lived queue of transfers that items can be added to at any time; see
 * {@link createTransferQueue}.
 *
 * @typeParam K - the items' key type
 */
export interface TransferQueue<K = string> {
  /**
   * Every event of the queue (see {@link QueueEvent}): a `summary` ends each batch, and the stream
   * goes on. **Cold**: nothing is sent until it is subscribed; its subscribers share one run; when
   * the last one leaves, every item is cancelled (those in flight aborted) and no event follows.
   * Items added while nobody subscribes wait for the next subscription.
   */
  readonly events$: Observable<QueueEvent<K>>;
  /**
   * Adds an item: it starts when a place is free, by priority. Throws, before any traffic, an
   * `InvalidQueueOptionError` (a bad field, or a key an unsettled item has) or the item's
   * `InvalidTransferOptionError`.
   */
  add(item: QueueItem<K>): void;
  /** Cancels one item, waiting or running (its request is aborted); whether there was one of that key. */
  cancel(key: K): boolean;
  /** Cancels every item, waiting or running; the batch ends with its summary, and the queue takes new items. */
  cancelAll(): void;
  /**
   * Starts no more items until `resume()`. Those running go on to their end: aborting them would
   * lose what they had sent (an upload starts again from 0) and could repeat a request the server
   * had acted on; cancel them for that.
   */
  pause(): void;
  /** Starts waiting items again, as places are free. */
  resume(): void;
  /** Whether the queue is paused. */
  readonly paused: boolean;
}

/**
 * Creates a long-lived queue: items are added with `add`, run at most `concurrency` at a time by
 * priority, each with its own timeout and retry policy; `pause`, `resume`, `cancel` and
 * `cancelAll` steer it, and `events$` reports each item's events tagged with its key, sampled
 * `aggregate` events, and a `summary` whenever the queue has emptied (the end of a batch).
 * Throws an `InvalidQueueOptionError` for bad options.
 *
 * @typeParam K - the items' key type
 * @example
 * ```ts
 * import { createTransferQueue } from 'rx-transfer/queue';
 *
 * const queue = createTransferQueue({ concurrency: 4 });
 * const subscription = queue.events$.subscribe((event) => {
 *   if (event.type === 'aggregate') render(event.percent, event.items, event.rate, event.eta);
 * });
 * for (const file of droppedFiles) queue.add({ key: file.name, options: { url: `/api/files/${file.name}`, method: 'PUT', body: file } });
 * queue.pause();   // no new item starts
 * queue.cancel('holiday.mov');
 * subscription.unsubscribe(); // aborts every item in flight
 * ```
 */
export function createTransferQueue<K = string>(options?: QueueOptions): TransferQueue<K> {
  const settings = queueSettings(options);
  const subscribers = new Set<Subscriber<QueueEvent<K>>>();
  const pending = new Map<K, QueueItem<K>>();
  let run: QueueRun<K> | undefined;
  let paused = false;
  const broadcast = (event: QueueEvent<K>) => {
    for (const subscriber of [...subscribers]) subscriber.next(event);
  };
  const open = () => {
    const started = createQueueRun<K>(settings, broadcast);
    run = started;
    if (paused) started.pause();
    started.hold(() => {
      for (const item of pending.values()) started.add(item);
      pending.clear();
    });
  };
  const events$ = new Observable<QueueEvent<K>>((subscriber) => {
    subscribers.add(subscriber);
    if (run === undefined) open();
    return () => {
      subscribers.delete(subscriber);
      if (subscribers.size > 0) return;
      run?.stop();
      run = undefined;
    };
  });
  return {
    events$,
    add(item) {
      checkItem(item, (key) => pending.has(key) || run?.has(key) === true);
      if (run === undefined) pending.set(item.key, item);
      else run.add(item);
    },
    cancel: (key) => pending.delete(key) || run?.cancel(key) === true,
    cancelAll() {
      pending.clear();
      run?.cancelAll();
    },
    pause() {
      paused = true;
      run?.pause();
    },
    resume() {
      paused = false;
      run?.resume();
    },
    get paused() {
      return paused;
    },
  };
}
