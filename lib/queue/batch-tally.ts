import { now } from '../core/clock.js';
import type { TransferEvent } from '../core/events.js';
import { createProgressMeter, type ProgressMeter } from '../progress/progress-meter.js';
import type { ItemWeight } from './item-weight.js';
import type { QueueAggregateEvent, QueueItemCounts, QueueSummaryEvent } from './queue-events.js';

/** One item's share of the batch's figures. */
export interface ItemTally {
  readonly direction: 'upload' | 'download';
  /** The item's total when known (declared, the body's size, or as its transfer reported it). */
  total: number | undefined;
  /** The furthest its bytes have come, over all its attempts. */
  counted: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The figures of one batch, kept as running sums so that an aggregate costs the same with ten
 * items or ten thousand, and a settled item leaves nothing behind but its share of the sums.
 */
export interface BatchTally {
  readonly items: Readonly<QueueItemCounts>;
  /** Enters a waiting item whose total is its weight's `size` (or unknown). */
  enter(weight: ItemWeight): ItemTally;
  start(): void;
  /** Counts an item's event; whether any figure changed. */
  observe(item: ItemTally, event: TransferEvent<unknown>): boolean;
  settle(started: boolean, outcome: 'done' | 'failed' | 'cancelled'): void;
  /** The aggregate as it stands. */
  aggregate(paused: boolean): QueueAggregateEvent;
  /** The summary of the batch, now that it has ended, with the items that failed or were cancelled. */
  summary<K>(
    ended: Pick<QueueSummaryEvent<K>, 'failed' | 'cancelled'> & { stoppedBy?: { key: K } },
  ): QueueSummaryEvent<K>;
}

/** Starts the figures of a new batch. */
export function createBatchTally(): BatchTally {
  const items: Mutable<QueueItemCounts> = {
    total: 0,
    waiting: 0,
    running: 0,
    done: 0,
    failed: 0,
    cancelled: 0,
    unknown: 0,
  };
  let loaded = 0;
  let total = 0;
  let unknownLoaded = 0;
  const meter: ProgressMeter = createProgressMeter(undefined);
  let began: number | undefined;
  const setTotal = (item: ItemTally, next: number | undefined) => {
    if (item.total === undefined) {
      items.unknown--;
      unknownLoaded -= item.counted;
      loaded += item.counted;
    } else {
      total -= item.total;
    }
    if (next === undefined) {
      items.unknown++;
      loaded -= item.counted;
      unknownLoaded += item.counted;
    } else {
      total += next;
    }
    item.total = next;
  };
  const reach = (item: ItemTally, bytes: number, reported: number | undefined) => {
    const before = loaded + unknownLoaded + total;
    if (reported !== undefined && reported !== item.total) setTotal(item, reported);
    else if (reported === undefined && item.total !== undefined && bytes > item.total) setTotal(item, undefined);
    if (bytes > item.counted) {
      if (item.total === undefined) unknownLoaded += bytes - item.counted;
      else loaded += bytes - item.counted;
      item.counted = bytes;
    }
    return loaded + unknownLoaded + total !== before;
  };
  return {
    items,
    enter({ direction, size }) {
      began ??= now();
      items.total++;
      items.waiting++;
      if (size === undefined) items.unknown++;
      else total += size;
      return { direction, total: size, counted: 0 };
    },
    start() {
      items.waiting--;
      items.running++;
    },
    observe(item, event) {
      const upload = item.direction === 'upload';
      if (event.type === (upload ? 'upload-progress' : 'download-progress')) {
        return reach(item, event.loaded, event.total);
      }
      if (event.type === 'complete') return reach(item, upload ? event.uploaded : event.downloaded, item.total);
      return false;
    },
    settle(started, outcome) {
      if (started) items.running--;
      else items.waiting--;
      items[outcome]++;
    },
    aggregate(paused) {
      const time = now();
      const { rate } = meter(loaded + unknownLoaded, time);
      const partial = items.unknown > 0;
      const known = items.total - items.unknown > 0;
      const percent = !known ? undefined : total === 0 ? 100 : (loaded / total) * 100;
      const eta = partial || paused || rate === undefined || rate <= 0 ? undefined : (total - loaded) / rate;
      return {
        type: 'aggregate',
        time,
        loaded,
        total,
        percent,
        unknownLoaded,
        partial,
        rate,
        eta,
        items: { ...items },
        paused,
      };
    },
    summary({ failed, cancelled, stoppedBy }) {
      const time = now();
      const { total: all, done, failed: failures, cancelled: cancels } = items;
      return {
        type: 'summary',
        time,
        items: { total: all, done, failed: failures, cancelled: cancels },
        failed,
        cancelled,
        stopped: stoppedBy !== undefined,
        ...(stoppedBy === undefined ? {} : { stoppedBy: stoppedBy.key }),
        bytes: loaded + unknownLoaded,
        duration: began === undefined ? 0 : time - began,
      };
    },
  };
}
