import type { RetryEvent, StartEvent, TransferEvent } from '../../lib/index.js';

/** The acceptance's slack over a limit or a wait the client was told of (issue 11): 10% and 100 ms. */
export const within = (ms: number): number => ms * 1.1 + 100;

/** How much earlier than asked a timer may fire, by the clock the events are stamped with. */
export const EARLY = 2;

/** The `start` events, one per attempt. */
export const starts = (events: readonly TransferEvent[]): StartEvent[] =>
  events.filter((event): event is StartEvent => event.type === 'start');

/** The `retry` events. */
export const retries = (events: readonly TransferEvent[]): RetryEvent[] =>
  events.filter((event): event is RetryEvent => event.type === 'retry');

/** The events of each attempt, split at its `start` (a `retry` ends the attempt before it). */
export function attemptsOf(events: readonly TransferEvent[]): TransferEvent[][] {
  const attempts: TransferEvent[][] = [];
  for (const event of events) {
    if (event.type === 'start') attempts.push([]);
    attempts.at(-1)?.push(event);
  }
  return attempts;
}

/** Milliseconds from a `retry` event to the `start` it announced. */
export function waitOf(events: readonly TransferEvent[], retry: RetryEvent): number {
  const next = starts(events).find((start) => start.attempt === retry.attempt);
  if (next === undefined) throw new Error(`no start for attempt ${retry.attempt}`);
  return next.time - retry.time;
}

/** What the retry policy says of a POST that a server may have seen. */
export const NOT_RETRIED_POST = 'POST is not retried once a server may have seen it: list it in `retry.methods`';

/** The `Retry-After` value that an HTTP date takes (IMF-fixdate). */
export const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
