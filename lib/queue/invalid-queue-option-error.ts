/**
 * A queue's option or an item's queue field (`key`, `priority`, `size`, `direction`) was invalid:
 * raised before any network traffic, by `createTransferQueue` and `add`, or on `transferAll`'s
 * error channel when it is subscribed. An item's `options` are checked as `transfer` checks them,
 * with an `InvalidTransferOptionError`.
 *
 * @example
 * ```ts
 * import { isInvalidQueueOptionError } from 'rx-transfer/queue';
 * try { queue.add(item); } catch (error) { if (isInvalidQueueOptionError(error)) console.log(error.option, error.key); }
 * ```
 */
export class InvalidQueueOptionError extends Error {
  override readonly name = 'InvalidQueueOptionError';
  /** The option or item field that was invalid. */
  readonly option: string;
  /** The key of the item it belongs to; `undefined` for the queue's own options. */
  readonly key: unknown;

  constructor(option: string, problem: string, item?: { key: unknown }) {
    const owner = item === undefined ? 'queue option' : `option of item ${show(item.key)}`;
    super(`Invalid ${owner} \`${option}\`: ${problem}`);
    this.option = option;
    this.key = item?.key;
  }
}

/**
 * Whether `error` is an {@link InvalidQueueOptionError}. Matches by `name`, so it also works for
 * errors from another realm (an iframe, a worker).
 */
export function isInvalidQueueOptionError(error: unknown): error is InvalidQueueOptionError {
  return (
    typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'InvalidQueueOptionError'
  );
}

/** A value as messages show it: strings quoted, others as `String` gives them (a symbol's description too). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return typeof value === 'symbol' ? value.toString() : String(value);
}
