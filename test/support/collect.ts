import type { Observable } from 'rxjs';
import type { ProgressEvent, TransferEvent } from '../../lib/index.js';

/** Everything one subscription produced. */
export interface Outcome<T, M = unknown> {
  readonly events: TransferEvent<T, M>[];
  readonly error: unknown;
  readonly completed: boolean;
}

/** Subscribes and gathers every event until completion or error. */
export function collect<T, M = unknown>(events$: Observable<TransferEvent<T, M>>): Promise<Outcome<T, M>> {
  return new Promise((resolve) => {
    const events: TransferEvent<T, M>[] = [];
    events$.subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error, completed: false }),
      complete: () => resolve({ events, error: undefined, completed: true }),
    });
  });
}

/** The event types in order, with each run of one progress type shown once as `type+`. */
export function sequence(events: readonly TransferEvent<unknown>[]): string[] {
  const types: string[] = [];
  for (const { type } of events) {
    const label = type.endsWith('-progress') ? `${type}+` : type;
    if (label.endsWith('+') && types.at(-1) === label) continue;
    types.push(label);
  }
  return types;
}

/** The progress events of one kind. */
export function progressOf(events: readonly TransferEvent<unknown>[], type: ProgressEvent['type']): ProgressEvent[] {
  return events.filter((event): event is ProgressEvent => event.type === type);
}

/** The last event, asserted to be of `type`. */
export function lastOf<T, K extends TransferEvent<T>['type']>(
  events: readonly TransferEvent<T>[],
  type: K,
): Extract<TransferEvent<T>, { type: K }> {
  const found = events.findLast((event) => event.type === type);
  if (found === undefined) throw new Error(`no ${type} event in ${sequence(events).join(', ')}`);
  return found as Extract<TransferEvent<T>, { type: K }>;
}

/**
 * Checks the progress invariants: `loaded` never decreases nor passes a known total; and, for
 * a stream that `finished`, the last equals a known total and 100% is reported exactly once.
 */
export function progressInvariants(progress: readonly ProgressEvent[], finished = true): string[] {
  const problems: string[] = [];
  progress.forEach((event, index) => {
    const previous = progress[index - 1];
    if (previous !== undefined && event.loaded < previous.loaded) problems.push(`loaded decreased at ${index}`);
    if (event.total !== undefined && event.loaded > event.total) problems.push(`loaded above total at ${index}`);
    if (event.total !== progress[0]?.total) problems.push(`total changed at ${index}`);
  });
  const last = progress.at(-1);
  if (!finished) {
    if (progress.filter((event) => event.percent === 100).length > 1) problems.push('100% reported more than once');
    return problems;
  }
  if (last?.total !== undefined && last.loaded !== last.total) problems.push('final progress is not the total');
  const hundreds = progress.filter((event) => event.percent === 100).length;
  if (last?.total !== undefined && last.total > 0 && hundreds !== 1) problems.push(`100% reported ${hundreds} times`);
  return problems;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
