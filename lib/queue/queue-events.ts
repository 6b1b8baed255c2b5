import type { TransferEvent } from '../core/events.js';

/** One event of an item's transfer, as `transfer` emits it (sampled by the item's own `progressInterval`), tagged with the item's key. */
export interface QueueItemEvent<K> {
  readonly type: 'item';
  readonly key: K;
  /** The transfer's event; its `time` is the event's time. `complete` means the item is done. */
  readonly event: TransferEvent<unknown>;
}

/** An item's transfer failed, after its own retries: the error it ended with, as `transfer` gives it. */
export interface QueueItemFailedEvent<K> {
  readonly type: 'item-failed';
  readonly key: K;
  readonly error: unknown;
  /** When it failed (as `TransferEvent.time`). */
  readonly time: number;
}

/**
 * An item ended before it could complete, and not by its own failure:
 * - `'cancel'`: `cancel(key)` or `cancelAll()`;
 * - `'stop'`: another item failed under `stopOnError`;
 * - `'signal'`: the item's own `signal` aborted it (its transfer's `TransferAbortError`).
 */
export interface QueueItemCancelledEvent<K> {
  readonly type: 'item-cancelled';
  readonly key: K;
  readonly reason: 'cancel' | 'stop' | 'signal';
  /** Whether it had started (its request was under way, and was aborted) or was still waiting. */
  readonly started: boolean;
  readonly time: number;
}

/** How many items of the batch are in each state, and how many have no known total. */
export interface QueueItemCounts {
  /** Every item of the batch: waiting + running + done + failed + cancelled. */
  readonly total: number;
  readonly waiting: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Items whose total is not known (now): their bytes are in `unknownLoaded`, not in `loaded` and `total`. */
  readonly unknown: number;
}

/**
 * The whole batch's progress, sampled: at most one per `progressInterval` (one per interval while
 * items run, so that the rate can fall when bytes stop), and a final one once every item has settled.
 *
 * An item's bytes are its request body's or its response body's (see `QueueItem.direction`), counted
 * to the furthest it has come: a retry that starts again from 0 adds nothing until it passes that
 * point, and a failed or cancelled item keeps what it had moved, and its total. Nothing is invented:
 * an item whose total is not known counts only in `unknownLoaded`, and then `partial` is true.
 *
 * - While no total is unknown (`partial` false), `loaded` and `percent` never decrease, and `percent`
 *   is 100 in at most one event, the batch's final one; when every item completes, it is. An
 *   aggregate that would read 100 while a response is still awaited is held back until then, so 100%
 *   means done (never "stuck at 100%" while a server takes its time).
 * - Three things change `total` during a batch, and may move the percent either way: items added to
 *   it, an item's total becoming known, and a declared `size` that the response corrects.
 * - While `partial`, `loaded`, `total`, `percent` cover only the items with known totals (the
 *   percent may drop when another item's total becomes known), and `eta` is `undefined`.
 */
export interface QueueAggregateEvent {
  readonly type: 'aggregate';
  readonly time: number;
  /** Bytes moved by the items whose total is known. */
  readonly loaded: number;
  /** The sum of the known totals. */
  readonly total: number;
  /**
   * `loaded / total * 100` (100 for a total of 0); `undefined` while no item's total is known.
   * Covers only the items with known totals when `partial`.
   */
  readonly percent: number | undefined;
  /** Bytes moved by the items whose total is not known, counted nowhere else. */
  readonly unknownLoaded: number;
  /** Some items' totals are unknown: `loaded`, `total`, `percent` cover only the others, and `eta` is `undefined`. */
  readonly partial: boolean;
  /** Bytes per second over about the last second, all items' bytes (`loaded + unknownLoaded`); `undefined` until the figures span 200 ms. */
  readonly rate: number | undefined;
  /**
   * Seconds until `loaded` reaches `total` at `rate`; `undefined` when `partial`, paused, or the
   * rate is unknown or 0.
   */
  readonly eta: number | undefined;
  readonly items: QueueItemCounts;
  /** The queue is paused: no item starts; those already running go on. */
  readonly paused: boolean;
}

/** How a batch ended: the last event of a `transferAll`, and of each batch of a queue. */
export interface QueueSummaryEvent<K> {
  readonly type: 'summary';
  readonly time: number;
  /** The batch's items by how they ended (none waits or runs any more). */
  readonly items: Pick<QueueItemCounts, 'total' | 'done' | 'failed' | 'cancelled'>;
  /** The items that failed, in the order they failed, with their errors. */
  readonly failed: readonly { readonly key: K; readonly error: unknown }[];
  /** The items cancelled, in the order they were. */
  readonly cancelled: readonly K[];
  /** Whether `stopOnError` stopped the batch; `stoppedBy` is then the item that failed. */
  readonly stopped: boolean;
  readonly stoppedBy?: K;
  /** Every byte counted (known totals or not), as in the last aggregate. */
  readonly bytes: number;
  /** Milliseconds from the batch's first item to its end. */
  readonly duration: number;
}

/**
 * Every event of a queue, discriminated by `type`. One batch is the items from the first added
 * to the moment when none waits or runs; `transferAll` is one batch.
 *
 * The order, written per item, then for the batch; tests enforce it:
 *
 * ```text
 * item (per key): item*, (item-failed | item-cancelled)?
 *                 where item* is its transfer's own order, ending in `complete` when it is done
 * batch:          (item | item-failed | item-cancelled | aggregate)*, aggregate, summary
 * ```
 *
 * - An item's events come in its transfer's order (see `TransferEvent`); nothing follows its
 *   `complete`, `item-failed` or `item-cancelled`. Items that run together interleave.
 * - An item cancelled while waiting has only `item-cancelled`. Under `stopOnError` the failing
 *   item's `item-failed` is followed by an `item-cancelled` (`'stop'`) for every other unsettled item.
 * - `aggregate` events are sampled (see `QueueOptions.progressInterval`); the last one, which
 *   comes after every item has settled, is followed by `summary`.
 * - `transferAll` completes after its `summary`; a queue's `events$` goes on to the next batch.
 *   An item's failure is an event, never an error of the observable: that errors only for
 *   invalid input, before any traffic. Unsubscribing aborts every item in flight, and no event
 *   follows.
 *
 * @example
 * ```ts
 * import { transferAll } from 'rx-transfer/queue';
 * transferAll(files.map((file) => ({ key: file.name, options: { url: `/api/files/${file.name}`, method: 'PUT', body: file } })))
 *   .subscribe((event) => {
 *     if (event.type === 'aggregate') bar.value = event.percent ?? 0;
 *     if (event.type === 'summary') console.log(`${event.items.done} uploaded, ${event.items.failed} failed`);
 *   });
 * ```
 */
export type QueueEvent<K = string> =
  | QueueItemEvent<K>
  | QueueItemFailedEvent<K>
  | QueueItemCancelledEvent<K>
  | QueueAggregateEvent
  | QueueSummaryEvent<K>;
