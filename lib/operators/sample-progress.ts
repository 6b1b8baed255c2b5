import { type MonoTypeOperatorFunction, Observable, type SchedulerLike } from 'rxjs';
import type { ProgressInterval } from '../core/options.js';

/** A frame's length where no animation frames exist (Node, workers). */
const FRAME_FALLBACK_MS = 16;

/** What the operator needs of a scheduler: a clock and a cancellable timer. */
interface Clock {
  now(): number;
  schedule(work: () => void, delay: number): { unsubscribe(): void };
}

/**
 * Timers and frames straight from the platform, not RxJS's schedulers: those cost an app about
 * 1.4 kB gzipped (scripts/check-size.ts), for two calls.
 */
const timers: Clock = {
  now: () => performance.now(),
  schedule(work, delay) {
    const id = setTimeout(work, delay);
    return { unsubscribe: () => clearTimeout(id) };
  },
};
const frames: Clock = {
  now: timers.now,
  schedule(work) {
    const id = requestAnimationFrame(() => work());
    return { unsubscribe: () => cancelAnimationFrame(id) };
  },
};

const isProgress = (event: { type: string }) => event.type === 'upload-progress' || event.type === 'download-progress';

/**
 * Thins out progress events to at most one per `interval` (or per animation frame) for each
 * kind, and passes every other event through untouched. The first progress event of a kind
 * goes through at once; a held-back one is delivered when its time comes, or at once before
 * the next stage's event (any but a progress event or a `message`), completion or error, so the
 * final figure is never lost and the lifecycle order is kept. Messages pass without flushing it:
 * a stream of one message per chunk would otherwise bring one progress event per message. `new Observable` is used because that flush cannot be composed
 * from `throttleTime`, whose trailing value would arrive after the next stage's event.
 *
 * @param interval - milliseconds between events of a kind, `'frame'`, or `0` for every event
 * @param scheduler - for tests (a `TestScheduler`); by default the platform's timers, or its
 *   animation frames for `'frame'` where there are frames (elsewhere `'frame'` means 16 ms)
 * @example
 * ```ts
 * import { sampleProgress } from 'rx-transfer';
 * events$.pipe(sampleProgress('frame')).subscribe(render);
 * ```
 */
export function sampleProgress<E extends { type: string }>(
  interval: ProgressInterval = 50,
  scheduler?: SchedulerLike,
): MonoTypeOperatorFunction<E> {
  const frame = interval === 'frame' && scheduler === undefined && typeof requestAnimationFrame === 'function';
  const clock: Clock = scheduler ?? (frame ? frames : timers);
  const gap = interval === 'frame' ? FRAME_FALLBACK_MS : interval;
  if (gap === 0) return (source) => source;
  return (source) =>
    new Observable<E>((subscriber) => {
      const lastSent = new Map<string, number>();
      let held: E | undefined;
      let timer: { unsubscribe(): void } | undefined;
      const send = (event: E) => {
        lastSent.set(event.type, clock.now());
        subscriber.next(event);
      };
      const flush = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (held === undefined) return;
        const event = held;
        held = undefined;
        send(event);
      };
      const onProgress = (event: E) => {
        if (held !== undefined && held.type !== event.type) flush();
        const last = lastSent.get(event.type);
        if (last === undefined || (!frame && timer === undefined && clock.now() - last >= gap)) return send(event);
        held = event;
        timer ??= clock.schedule(flush, frame ? 0 : Math.max(0, last + gap - clock.now()));
      };
      const subscription = source.subscribe({
        next: (event) => {
          if (event.type === 'message') return subscriber.next(event);
          if (isProgress(event)) return onProgress(event);
          flush();
          subscriber.next(event);
        },
        error: (error) => {
          flush();
          subscriber.error(error);
        },
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
