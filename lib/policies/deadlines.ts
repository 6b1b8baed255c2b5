import { now } from '../core/clock.js';
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

/** The limits by index, in the order in which limits due at the same moment expire: `total` first, as it ends all. */
const PHASES = ['total', 'headers', 'upload', 'download'] as const;
const TOTAL = 0;
const HEADERS = 1;
const UPLOAD = 2;
const DOWNLOAD = 3;

/**
 * Arms the limits of `timeout` (merged over {@link DEFAULT_TIMEOUTS}; `false` turns all off) for
 * one exchange of `method` to `url`. Browsers slow timers down in a background tab (to once a
 * second, and once a minute after five hidden minutes in Chromium) and do not run them in a
 * suspended worker: a limit can then end later than set, never earlier. The phase limits apply
 * to each attempt anew (a `retry` clears them); `total` spans every attempt and retry delay.
 *
 * Each limit is a due time on a monotonic clock, and one timer waits for the earliest
 * (and comes at least once per shortest phase limit, so that the limit armed next, a download's
 * once the headers are in, seldom needs a timer of its own): an event that moves a limit on only
 * writes its due time, and a timer that comes before any limit is due is set again for what is
 * left. A body of a thousand chunks sets a timer per idle limit's length, not a thousand.
 */
export function watchDeadlines(
  timeout: TimeoutLimits | false | undefined,
  owner: { method: string; url: string },
  expire: (error: TimeoutError) => void,
): Deadlines {
  const limits = PHASES.map((phase) => {
    const limit = timeout === false ? false : (timeout?.[phase] ?? DEFAULT_TIMEOUTS[phase]);
    return typeof limit === 'number' ? limit : Number.POSITIVE_INFINITY;
  });
  const wake = Math.min(...limits.slice(HEADERS));
  // Due times by limit (infinite when not armed), and when the timer comes: never once stopped.
  const due = limits.map(() => Number.POSITIVE_INFINITY);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  const moved = { up: 0, down: 0 };
  // Only a streamed or XHR upload reports progress on its way; a whole body counts as headers time.
  let watchesUpload = false;
  // A timer set comes at most `wake` after it was set: one that comes by the first due time comes early enough, and
  // an event that moves a limit on (once per chunk) reads no clock here.
  const schedule = () => {
    const first = Math.min(...due);
    if (timerAt <= first) return;
    const next = first === Number.POSITIVE_INFINITY ? first : Math.min(first, now() + wake);
    clearTimeout(timer);
    timerAt = next;
    timer = setTimeout(check, next - now());
  };
  const arm = (limit: number) => {
    due[limit] = now() + (limits[limit] as number);
    schedule();
  };
  const check = () => {
    timerAt = Number.POSITIVE_INFINITY;
    const at = now();
    const limit = due.findIndex((time) => time <= at);
    if (limit === TOTAL) stop();
    // A phase limit ends its attempt only, which may go again: `total` keeps running.
    else if (limit > TOTAL) due.fill(Number.POSITIVE_INFINITY, HEADERS);
    schedule();
    if (limit >= TOTAL)
      expire(new TimeoutError(owner.method, owner.url, PHASES[limit] as TimeoutPhase, limits[limit] as number, moved));
  };
  const stop = () => {
    clearTimeout(timer);
    timerAt = Number.NEGATIVE_INFINITY;
  };
  arm(TOTAL);
  const endsAt = due[TOTAL] as number;
  const observe = (event: TransferEvent<unknown>) => {
    if (event.type === 'start') {
      watchesUpload = event.transport !== 'fetch';
      due[DOWNLOAD] = Number.POSITIVE_INFINITY;
      arm(watchesUpload ? UPLOAD : HEADERS);
    } else if (event.type === 'upload-progress') {
      moved.up = event.loaded;
      if (watchesUpload) arm(UPLOAD);
    } else if (event.type === 'sent') {
      due[UPLOAD] = Number.POSITIVE_INFINITY;
      if (watchesUpload) arm(HEADERS);
    } else if (event.type === 'headers') {
      due[UPLOAD] = due[HEADERS] = Number.POSITIVE_INFINITY;
      arm(DOWNLOAD);
    } else if (event.type === 'download-progress') {
      moved.down = event.loaded;
      arm(DOWNLOAD);
    } else if (event.type === 'retry') {
      due.fill(Number.POSITIVE_INFINITY, HEADERS);
      moved.up = moved.down = 0;
    } else if (event.type === 'complete') stop();
  };
  return { observe, stop, remaining: () => endsAt - now() };
}
