import type { Subscription } from 'rxjs';
import { now } from '../core/clock.js';
import { transfer } from '../core/transfer.js';
import { isTransferError } from '../errors/transfer-errors.js';
import { createAggregateSampler } from './aggregate-sampler.js';
import { type BatchTally, createBatchTally, type ItemTally } from './batch-tally.js';
import { weightOf } from './item-weight.js';
import type { QueueEvent, QueueItemCancelledEvent } from './queue-events.js';
import type { QueueItem } from './queue-options.js';
import type { QueueSettings } from './validate-queue.js';
import { createWaitingList } from './waiting-list.js';

/** An item the run holds, from `add` until it settles. */
interface Entry<K> {
  readonly item: QueueItem<K>;
  readonly priority: number;
  readonly order: number;
  readonly tally: ItemTally;
  state: 'waiting' | 'running' | 'settled';
  subscription?: Subscription | undefined;
}

type Outcome = 'done' | 'failed' | 'cancelled';
type CancelReason = QueueItemCancelledEvent<unknown>['reason'];

/**
 * The engine under `transferAll` and `createTransferQueue`, for one subscription: items wait by
 * priority, at most `concurrency` run (each one `transfer` subscription), and each batch ends with
 * a final aggregate and a summary. Items are checked (`checkItem`) before they are added.
 */
export interface QueueRun<K> {
  add(item: QueueItem<K>): void;
  /** Whether `key` names an item that waits or runs. */
  has(key: K): boolean;
  /** Cancels one item; whether it waited or ran. */
  cancel(key: K): boolean;
  cancelAll(): void;
  pause(): void;
  resume(): void;
  /** Runs `work` (adding items) with no item started until it returns; with `end`, then ends a batch left empty. */
  hold(work: () => void, end?: boolean): void;
  /** Ends the run (unsubscribed): aborts every item in flight; no event follows. */
  stop(): void;
}

/** Starts a run that sends its events to `emit`, and calls `onBatchEnd` after each summary. */
export function createQueueRun<K>(
  settings: QueueSettings,
  emit: (event: QueueEvent<K>) => void,
  onBatchEnd: () => void = () => undefined,
): QueueRun<K> {
  const entries = new Map<K, Entry<K>>();
  const waiting = createWaitingList<Entry<K>>((entry) => entry.state === 'waiting');
  let tally: BatchTally = createBatchTally();
  let failed: { key: K; error: unknown }[] = [];
  let cancelled: K[] = [];
  let stoppedBy: { key: K } | undefined;
  let order = 0;
  let paused = false;
  let holding = false;
  let pumping = false;
  let again = false;
  let stopped = false;
  const send = (event: QueueEvent<K>) => {
    if (!stopped) emit(event);
  };
  // An aggregate at 100% while a response is still awaited is held back: 100% means every item is done.
  const showAggregate = () => {
    if (tally.items.total === 0) return true;
    const aggregate = tally.aggregate(paused);
    const { waiting: queued, running } = aggregate.items;
    if (aggregate.percent === 100 && !aggregate.partial && queued + running > 0) return false;
    send(aggregate);
    return true;
  };
  const sampler = createAggregateSampler(settings.progressInterval, () => tally.items.running > 0, showAggregate);

  function start(entry: Entry<K>) {
    entry.state = 'running';
    tally.start();
    const { key } = entry.item;
    const subscription = transfer(entry.item.options).subscribe({
      next: (event) => {
        const moved = tally.observe(entry.tally, event);
        send({ type: 'item', key, event });
        if (moved) sampler.changed();
      },
      error: (error: unknown) =>
        isTransferError(error, 'TransferAbortError')
          ? settle(entry, 'cancelled', 'signal')
          : settle(entry, 'failed', error),
      complete: () => settle(entry, 'done'),
    });
    if (entry.state === 'running') entry.subscription = subscription;
  }

  function settle(entry: Entry<K>, outcome: Outcome, detail?: unknown) {
    if (entry.state === 'settled') return;
    const started = entry.state === 'running';
    entry.state = 'settled';
    entry.subscription = undefined;
    entries.delete(entry.item.key);
    tally.settle(started, outcome);
    const { key } = entry.item;
    if (outcome === 'failed') {
      failed.push({ key, error: detail });
      send({ type: 'item-failed', key, error: detail, time: now() });
    } else if (outcome === 'cancelled') {
      cancelled.push(key);
      send({ type: 'item-cancelled', key, reason: detail as CancelReason, started, time: now() });
    }
    if (outcome === 'failed' && settings.stopOnError && stoppedBy === undefined) stopBatch(key);
    pump();
  }

  function cancelEntry(entry: Entry<K>, reason: CancelReason) {
    entry.subscription?.unsubscribe();
    settle(entry, 'cancelled', reason);
  }

  function stopBatch(key: K) {
    stoppedBy = { key };
    holding = true;
    for (const entry of [...entries.values()]) cancelEntry(entry, 'stop');
    waiting.clear();
    holding = false;
  }

  function pump() {
    if (holding || stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    do {
      again = false;
      while (!paused && !holding && tally.items.running < settings.concurrency) {
        const next = waiting.take();
        if (next === undefined) break;
        start(next);
      }
    } while (again);
    pumping = false;
    sampler.changed();
    endBatch(false);
  }

  function endBatch(empty: boolean) {
    const { items } = tally;
    if (holding || items.waiting + items.running > 0 || (items.total === 0 && !empty)) return;
    sampler.flush(() => send(tally.aggregate(paused)));
    const summary = tally.summary({ failed, cancelled, ...(stoppedBy === undefined ? {} : { stoppedBy }) });
    tally = createBatchTally();
    failed = [];
    cancelled = [];
    stoppedBy = undefined;
    send(summary);
    onBatchEnd();
  }

  return {
    add(item) {
      const entry: Entry<K> = {
        item,
        priority: item.priority ?? 0,
        order: order++,
        tally: tally.enter(weightOf(item)),
        state: 'waiting',
      };
      entries.set(item.key, entry);
      waiting.add(entry);
      pump();
    },
    has: (key) => entries.has(key),
    cancel(key) {
      const entry = entries.get(key);
      if (entry === undefined) return false;
      cancelEntry(entry, 'cancel');
      return true;
    },
    cancelAll() {
      holding = true;
      for (const entry of [...entries.values()]) cancelEntry(entry, 'cancel');
      waiting.clear();
      holding = false;
      pump();
    },
    pause() {
      paused = true;
      sampler.changed();
    },
    resume() {
      paused = false;
      pump();
    },
    hold(work, end = false) {
      holding = true;
      try {
        work();
      } finally {
        holding = false;
      }
      if (end && tally.items.total === 0) endBatch(true);
      else pump();
    },
    stop() {
      stopped = true;
      sampler.stop();
      for (const entry of entries.values()) entry.subscription?.unsubscribe();
      entries.clear();
      waiting.clear();
    },
  };
}
