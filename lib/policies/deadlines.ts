import type { TransferEvent } from '../core/events.js';
import { TimeoutError, type TimeoutPhase } from '../errors/transfer-errors.js';

/**
 * The limits of the `timeout` option, in milliseconds; `false` turns one off.
 * - `total`: a deadline for the whole exchange, from subscribe to `complete`.
 * - `headers`: an absolute deadline for the response to begin: from `start`, or for an upload
 *   that reports its progress, from `sent` (the upload phase has its own limit). Absolute, not
 *   idle: a server that drips a byte at a time must not keep it alive (bun#36145).
 * - `upload`, `download`: idle limits for the two body phases: no byte counted for that long.
 *   `download` also bounds reading an error response's body (`HTTPError.data`), from its headers.
 */
export interface TimeoutLimits {
  /** @default false: a 2 GB upload on a slow link must not meet a deadline it did not ask for */
  total?: number | false | undefined;
  /** @default 60000 */
  headers?: number | false | undefined;
  /** @default 30000: a dead connection noticed in tens of seconds, not in undici's 300 */
  upload?: number | false | undefined;
  /** @default 30000 */
  download?: number | false | undefined;
}

/** The defaults of {@link TimeoutLimits}. */
export const DEFAULT_TIMEOUTS = { total: false, headers: 60_000, upload: 30_000, download: 30_000 } as const;

/**
 * Watches one exchange's events and calls `expire` when a limit runs out: a phase limit at most
 * once per attempt, `total` once, after which nothing expires.
 */
export interface Deadlines {
  /** Moves the timers on with each event of the exchange, in order. */
  readonly observe: (event: TransferEvent<unknown>) => void;
  /** Clears every timer; after this nothing expires. */
  readonly stop: () => void;
  /** Milliseconds left before the `total` limit: `Infinity` without one. */
  readonly remaining: () => number;
}

/** The order in which limits due at the same moment expire: `total` first, as it ends everything. */
const PHASES = ['total', 'headers', 'upload', 'download'] as const;

/**
 * Arms the limits of `timeout` (merged over {@link DEFAULT_TIMEOUTS}; `false` turns all off) for
 * one exchange of `method` to `url`. Browsers slow timers down in a background tab (to once a
 * second, and once a minute after five hidden minutes in Chromium) and do not run them in a
 * suspended worker: a limit can then end later than set, never earlier. The phase limits apply
 * to each attempt anew (a `retry` clears them); `total` spans every attempt and retry delay.
 *
 * Each limit is a due time on `performance.now()`'s clock, and one timer waits for the earliest:
 * an event that moves a limit on only writes its new due time, and a timer that comes before the
 * limit it was set for (moved on meanwhile) is set again for what is left. A body of a thousand
 * chunks sets one timer per idle limit's length, not a thousand (as a timer per limit did).
 */
export function watchDeadlines(
  timeout: TimeoutLimits | false | undefined,
  owner: { method: string; url: string },
  expire: (error: TimeoutError) => void,
): Deadlines {
  const due: Partial<Record<TimeoutPhase, number | undefined>> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let stopped = false;
  const moved = { up: 0, down: 0 };
  // Only a streamed or XHR upload reports progress on its way; a whole body counts as headers time.
  let watchesUpload = false;
  const limitOf = (phase: TimeoutPhase) => (timeout === false ? false : (timeout?.[phase] ?? DEFAULT_TIMEOUTS[phase]));
  const arm = (phase: TimeoutPhase) => {
    const limit = limitOf(phase);
    if (stopped) return;
    due[phase] = typeof limit === 'number' ? performance.now() + limit : undefined;
    schedule();
  };
  // The shortest phase limit: the timer comes at least that often while any limit is due, so that the limit armed
  // next (a download's, once the headers are in) seldom needs a timer of its own.
  let wake = Number.POSITIVE_INFINITY;
  for (const phase of PHASES.slice(1)) {
    const limit = limitOf(phase);
    if (typeof limit === 'number') wake = Math.min(wake, limit);
  }
  // Sets the timer for the earliest due time, unless it is set to come at or before it already.
  const schedule = () => {
    let next = Number.POSITIVE_INFINITY;
    for (const phase of PHASES) next = Math.min(next, due[phase] ?? next);
    if (next !== Number.POSITIVE_INFINITY) next = Math.min(next, performance.now() + wake);
    if (timer !== undefined && timerAt <= next) return;
    clearTimeout(timer);
    timer = undefined;
    timerAt = next;
    if (next !== Number.POSITIVE_INFINITY) timer = setTimeout(check, Math.max(0, next - performance.now()));
  };
  const check = () => {
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    const at = performance.now();
    const phase = PHASES.find((p) => (due[p] ?? at + 1) <= at);
    if (phase === undefined) return schedule();
    // A phase limit ends its attempt only, which may go again: `total` keeps running.
    if (phase === 'total') stop();
    else clearPhases();
    expire(new TimeoutError(owner.method, owner.url, phase, limitOf(phase) as number, moved));
  };
  const clear = (phase: TimeoutPhase) => {
    due[phase] = undefined;
  };
  const clearPhases = () => {
    due.headers = due.upload = due.download = undefined;
    schedule();
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    for (const phase of PHASES) due[phase] = undefined;
  };
  arm('total');
  const endsAt = due.total ?? Number.POSITIVE_INFINITY;
  const observe = (event: TransferEvent<unknown>) => {
    if (event.type === 'start') {
      watchesUpload = event.transport !== 'fetch';
      clear('download');
      arm(watchesUpload ? 'upload' : 'headers');
    } else if (event.type === 'upload-progress') {
      moved.up = event.loaded;
      if (watchesUpload) arm('upload');
    } else if (event.type === 'sent') {
      clear('upload');
      if (watchesUpload) arm('headers');
    } else if (event.type === 'headers') {
      clear('upload');
      clear('headers');
      arm('download');
    } else if (event.type === 'download-progress') {
      moved.down = event.loaded;
      arm('download');
    } else if (event.type === 'retry') {
      clearPhases();
      moved.up = moved.down = 0;
    } else if (event.type === 'complete') stop();
  };
  return { observe, stop, remaining: () => endsAt - performance.now() };
}
