import { Observable } from 'rxjs';
import { InvalidQueueOptionError, show } from './invalid-queue-option-error.js';
import type { QueueEvent } from './queue-events.js';
import type { QueueItem, QueueOptions } from './queue-options.js';
import { createQueueRun } from './queue-run.js';
import { checkItem, type QueueSettings, queueSettings } from './validate-queue.js';

/**
 * A known set of transfers as one **cold** observable: at most `concurrency` at a time, by
 * priority, each with its own timeout and retry policy; their events tagged with their keys,
 * sampled `aggregate` events over the whole set, and a `summary` at the end (see
 * {@link QueueEvent} for the order). An item's failure is an event; under `stopOnError` it
 * cancels the others. Completes after the summary.
 *
 * Each subscription runs the whole set again (iterating `items` again: give an array, not a
 * one-shot iterator, to subscribe twice). Every item is checked on subscribe, before any traffic:
 * a bad one fails the observable with an `InvalidQueueOptionError` or the item's
 * `InvalidTransferOptionError`. Unsubscribing aborts every item in flight; no event follows.
 *
 * @typeParam K - the items' key type
 * @example
 * ```ts
 * import { transferAll } from 'rx-transfer/queue';
 *
 * const items = photos.map((photo) => ({
 *   key: photo.name,
 *   options: { url: `/api/photos/${encodeURIComponent(photo.name)}`, method: 'PUT', body: photo },
 * }));
 * transferAll(items, { concurrency: 4 }).subscribe((event) => {
 *   if (event.type === 'aggregate') bar.value = event.percent ?? 0;
 *   if (event.type === 'item-failed') console.warn(event.key, event.error);
 *   if (event.type === 'summary') console.log(`${event.items.done} of ${event.items.total} uploaded`);
 * });
 * ```
 */
export function transferAll<K = string>(
  items: Iterable<QueueItem<K>>,
  options?: QueueOptions,
): Observable<QueueEvent<K>> {
  return new Observable<QueueEvent<K>>((subscriber) => {
    let settings: QueueSettings;
    let list: QueueItem<K>[];
    try {
      settings = queueSettings(options);
      list = checkedItems(items);
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    const run = createQueueRun<K>(
      settings,
      (event) => subscriber.next(event),
      () => subscriber.complete(),
    );
    run.hold(() => {
      for (const item of list) run.add(item);
    }, true);
    return () => run.stop();
  });
}

/** The items as a list, each checked, with no key twice. */
function checkedItems<K>(items: Iterable<QueueItem<K>>): QueueItem<K>[] {
  const keys = new Set<K>();
  if (typeof (items as Partial<Iterable<unknown>> | null)?.[Symbol.iterator] !== 'function') {
    throw new InvalidQueueOptionError('items', `expected an iterable of items, got ${show(items)}`);
  }
  const list = [...items];
  for (const item of list) {
    checkItem(item, (key) => keys.has(key));
    keys.add(item.key);
  }
  return list;
}
