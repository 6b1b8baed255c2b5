import type { ProgressInterval, TransferOptions } from '../core/options.js';

/**
 * One transfer of a queue: its key, its `transfer` options (with their own timeout, retry policy,
 * progress interval and signal), and how it is ordered and counted.
 *
 * @typeParam K - the key's type
 * @example
 * ```ts
 * import type { QueueItem } from 'rx-transfer/queue';
 * const item: QueueItem = { key: file.name, options: { url: '/api/files', method: 'PUT', body: file }, priority: 1 };
 * ```
 */
export interface QueueItem<K = string> {
  /**
   * Names the item in its events, in the summary and in `cancel`. Unique among the items of a
   * `transferAll`, and among those not yet settled in a queue (a settled key may be added again).
   * Compared as `Map` keys are (`SameValueZero`).
   */
  readonly key: K;
  /** The item's exchange, exactly as `transfer` takes it. Validated when the item is added. */
  readonly options: TransferOptions;
  /** Higher starts first; items of equal priority start in the order they were added. @default 0 */
  readonly priority?: number | undefined;
  /**
   * The bytes the item will move, when they are known before it starts (a file listing, a manifest):
   * counted in the aggregate `total` from the start. A Blob, File, ArrayBuffer or typed-array body
   * needs none (its size is known); other items' totals are known only once their transfer reports
   * one. A total the transfer reports replaces this figure; a body without a reported total that
   * runs past it makes the item's total unknown again.
   */
  readonly size?: number | undefined;
  /**
   * Which body's bytes count for the item in the aggregate: its request body (`'upload'`) or its
   * response body (`'download'`). The other body's bytes are not counted.
   * @default 'upload' when the options carry a `body` or `json`, otherwise 'download'
   */
  readonly direction?: 'upload' | 'download' | undefined;
}

/**
 * How a queue runs its items: `transferAll`'s and `createTransferQueue`'s options.
 *
 * @example
 * ```ts
 * import { transferAll } from 'rx-transfer/queue';
 * transferAll(items, { concurrency: 4, stopOnError: true, progressInterval: 'frame' });
 * ```
 */
export interface QueueOptions {
  /**
   * The most items running at once (a whole number from 1, or `Infinity`). Six is what a browser
   * opens to one HTTP/1.1 origin: more would wait inside the browser, out of the queue's reach
   * (no priority, no pause) and with their header deadlines already running.
   * @default 6
   */
  readonly concurrency?: number | undefined;
  /**
   * Stop the batch at the first item that fails: every other item of the batch, waiting or
   * running, is cancelled, and the summary names the one that failed. Otherwise the others go on.
   * @default false
   */
  readonly stopOnError?: boolean | undefined;
  /**
   * The least time between two `aggregate` events (milliseconds, or `'frame'` for one per
   * animation frame), however many items report progress. While items run, one comes per interval.
   * @default 250
   */
  readonly progressInterval?: ProgressInterval | undefined;
}
