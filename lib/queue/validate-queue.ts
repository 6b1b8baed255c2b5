import type { ProgressInterval } from '../core/options.js';
import { isPlainObject, validateOptions } from '../core/validate-options.js';
import { InvalidQueueOptionError, show } from './invalid-queue-option-error.js';
import type { QueueItem, QueueOptions } from './queue-options.js';

/** A queue's options with their defaults. */
export interface QueueSettings {
  readonly concurrency: number;
  readonly stopOnError: boolean;
  readonly progressInterval: ProgressInterval;
}

const DEFAULT_CONCURRENCY = 6;
const DEFAULT_INTERVAL = 250;

const isCount = (value: unknown, least: number) => Number.isSafeInteger(value) && (value as number) >= least;

/** Checks a queue's options and fills in the defaults; throws an {@link InvalidQueueOptionError}. */
export function queueSettings(options: QueueOptions | undefined): QueueSettings {
  if (options !== undefined && !isPlainObject(options)) fail('options', 'a plain object', options);
  const { concurrency = DEFAULT_CONCURRENCY, stopOnError = false, progressInterval = DEFAULT_INTERVAL } = options ?? {};
  if (!isCount(concurrency, 1) && concurrency !== Number.POSITIVE_INFINITY) {
    fail('concurrency', 'a whole number >= 1 or Infinity', concurrency);
  }
  if (typeof stopOnError !== 'boolean') fail('stopOnError', 'a boolean', stopOnError);
  if (progressInterval !== 'frame' && !isCount(progressInterval, 0)) {
    fail('progressInterval', "a safe integer >= 0 or 'frame'", progressInterval);
  }
  return { concurrency: concurrency as number, stopOnError, progressInterval: progressInterval as ProgressInterval };
}

/**
 * Checks one item: its queue fields (an {@link InvalidQueueOptionError}), then its transfer options as
 * `transfer` checks them (an `InvalidTransferOptionError`). `taken` tells whether its key is in use.
 */
export function checkItem<K>(item: QueueItem<K>, taken: (key: K) => boolean): void {
  if (!isPlainObject(item)) fail('item', 'a plain object { key, options, priority?, size?, direction? }', item);
  if (!('key' in item)) fail('key', 'a key', undefined, item);
  if (taken(item.key)) fail('key', 'a key that no unsettled item of the queue has', item.key, item);
  const { priority, size, direction } = item;
  if (priority !== undefined && !Number.isFinite(priority)) fail('priority', 'a finite number', priority, item);
  if (size !== undefined && !isCount(size, 0)) fail('size', 'a safe integer >= 0', size, item);
  if (direction !== undefined && direction !== 'upload' && direction !== 'download') {
    fail('direction', "'upload' or 'download'", direction, item);
  }
  validateOptions(item.options);
}

function fail(option: string, expected: string, value: unknown, item?: { key: unknown }): never {
  throw new InvalidQueueOptionError(option, `expected ${expected}, got ${show(value)}`, item);
}
