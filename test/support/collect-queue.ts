import type { Observable } from 'rxjs';
import type { QueueAggregateEvent, QueueEvent, QueueSummaryEvent } from '../../lib/queue/index.js';

/** Everything one subscription to a queue's events produced. */
export interface QueueOutcome<K> {
  readonly events: QueueEvent<K>[];
  readonly error: unknown;
  readonly completed: boolean;
}

/** Subscribes and gathers every event until completion or error. */
export function collectQueue<K>(events$: Observable<QueueEvent<K>>): Promise<QueueOutcome<K>> {
  return new Promise((resolve) => {
    const events: QueueEvent<K>[] = [];
    events$.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error, completed: false }),
      complete: () => resolve({ events, error: undefined, completed: true }),
    });
  });
}

/** The label of one event: an item's transfer event type (runs of progress shown once, as `type+`), or the queue event's type. */
const labelOf = <K>(event: QueueEvent<K>) =>
  event.type === 'item'
    ? event.event.type
    : event.type === 'item-cancelled'
      ? `item-cancelled:${event.reason}`
      : event.type;

/** Each key's events in order, as labels; progress runs shown once (`download-progress+`). */
export function sequencesByKey<K>(events: readonly QueueEvent<K>[]): Map<K, string[]> {
  const byKey = new Map<K, string[]>();
  for (const event of events) {
    if (event.type === 'aggregate' || event.type === 'summary') continue;
    const labels = byKey.get(event.key) ?? [];
    const label = labelOf(event);
    const shown = label.endsWith('-progress') ? `${label}+` : label;
    if (!(shown.endsWith('+') && labels.at(-1) === shown)) labels.push(shown);
    byKey.set(event.key, labels);
  }
  return byKey;
}

/** The batch-level shape: queue events' types, each run of item events and aggregates shown once. */
export function batchShape<K>(events: readonly QueueEvent<K>[]): string[] {
  const shape: string[] = [];
  for (const event of events) {
    const label = event.type === 'item' ? 'item+' : event.type === 'aggregate' ? 'aggregate+' : labelOf(event);
    if (label.endsWith('+') && shape.at(-1) === label) continue;
    shape.push(label);
  }
  return shape;
}

export const aggregatesOf = <K>(events: readonly QueueEvent<K>[]) =>
  events.filter((event): event is QueueAggregateEvent => event.type === 'aggregate');

export function summaryOf<K>(events: readonly QueueEvent<K>[]): QueueSummaryEvent<K> {
  const summary = events.at(-1);
  if (summary?.type !== 'summary') throw new Error(`the last event is ${summary?.type}, not a summary`);
  return summary;
}

/** The keys in the order their items started (their first `start` event). */
export function startOrder<K>(events: readonly QueueEvent<K>[]): K[] {
  return events.flatMap((event) =>
    event.type === 'item' && event.event.type === 'start' && event.event.attempt === 1 ? [event.key] : [],
  );
}

/**
 * Problems with the aggregate's promises for a batch whose totals are all known: `loaded` and `percent` never
 * decrease, `loaded` never passes `total`, none is partial, and 100% appears exactly once, in the last one.
 */
export function aggregateInvariants(aggregates: readonly QueueAggregateEvent[]): string[] {
  const problems: string[] = [];
  aggregates.forEach((event, index) => {
    const previous = aggregates[index - 1];
    if (event.partial) problems.push(`partial at ${index}`);
    if (event.loaded > event.total) problems.push(`loaded above total at ${index}`);
    if (previous !== undefined && event.loaded < previous.loaded) problems.push(`loaded decreased at ${index}`);
    if (previous !== undefined && (event.percent ?? 0) < (previous.percent ?? 0))
      problems.push(`percent decreased at ${index}`);
  });
  const hundreds = aggregates.flatMap((event, index) => (event.percent === 100 ? [index] : []));
  if (hundreds.length !== 1 || hundreds[0] !== aggregates.length - 1) {
    problems.push(`100% at ${JSON.stringify(hundreds)} of ${aggregates.length}`);
  }
  return problems;
}
