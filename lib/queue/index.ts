/**
 * Many transfers at once: `transferAll` for a known set, `createTransferQueue` for a long-lived
 * queue; a concurrency limit, priorities, pause, cancellation, and one sampled aggregate progress.
 *
 * @packageDocumentation
 * @module rx-transfer/queue
 */
export type { TransferQueue } from './create-transfer-queue.js';
export { createTransferQueue } from './create-transfer-queue.js';
export { InvalidQueueOptionError, isInvalidQueueOptionError } from './invalid-queue-option-error.js';
export type {
  QueueAggregateEvent,
  QueueEvent,
  QueueItemCancelledEvent,
  QueueItemCounts,
  QueueItemEvent,
  QueueItemFailedEvent,
  QueueSummaryEvent,
} from './queue-events.js';
export type { QueueItem, QueueOptions } from './queue-options.js';
export { transferAll } from './transfer-all.js';
