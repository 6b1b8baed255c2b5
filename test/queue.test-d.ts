import * as builtQueue from 'rx-transfer/queue';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { TransferEvent } from '../lib/index.js';
import {
  createTransferQueue,
  type QueueAggregateEvent,
  type QueueEvent,
  type QueueItemFailedEvent,
  type QueueSummaryEvent,
  type TransferQueue,
  transferAll,
} from '../lib/queue/index.js';

describe('queue types', () => {
  it('infers the key type from the items, and carries it on every event that names an item', () => {
    const events$ = transferAll([{ key: 7, options: { url: '/a' } }]);
    expectTypeOf(events$).toEqualTypeOf<Observable<QueueEvent<number>>>();
    events$.subscribe((event) => {
      if (event.type === 'item') {
        expectTypeOf(event.key).toEqualTypeOf<number>();
        expectTypeOf(event.event).toEqualTypeOf<TransferEvent<unknown>>();
      }
      if (event.type === 'item-failed') expectTypeOf(event).toEqualTypeOf<QueueItemFailedEvent<number>>();
      if (event.type === 'aggregate') expectTypeOf(event).toEqualTypeOf<QueueAggregateEvent>();
      if (event.type === 'summary') {
        expectTypeOf(event).toEqualTypeOf<QueueSummaryEvent<number>>();
        expectTypeOf(event.cancelled).toEqualTypeOf<readonly number[]>();
      }
    });
  });

  it('keys a queue by string unless told otherwise, and refuses items of another key type', () => {
    expectTypeOf(createTransferQueue()).toEqualTypeOf<TransferQueue<string>>();
    const queue = createTransferQueue<{ id: number }>({ concurrency: 2 });
    expectTypeOf(queue.add).parameter(0).toHaveProperty('key').toEqualTypeOf<{ id: number }>();
    // @ts-expect-error: a string is not this queue's key
    queue.add({ key: 'a', options: { url: '/a' } });
    // @ts-expect-error: direction is 'upload' or 'download'
    queue.add({ key: { id: 1 }, options: { url: '/a' }, direction: 'up' });
  });

  it('gives the same types from the built package', () => {
    expectTypeOf(builtQueue.transferAll([{ key: 'a', options: { url: '/a' } }])).toEqualTypeOf<
      Observable<builtQueue.QueueEvent<string>>
    >();
    expectTypeOf<builtQueue.QueueAggregateEvent['partial']>().toEqualTypeOf<boolean>();
  });
});
