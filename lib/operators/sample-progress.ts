import {
  animationFrameScheduler,
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { ProgressInterval } from '../options.js';

/** A frame's length where no animation frames exist (Node, workers). */
const FRAME_FALLBACK_MS = 16;

const isProgress = (event: { type: string }) => event.type === 'upload-progress' || event.type === 'download-progress';

/**
 * Thins out progress events to at most one per `interval` (or per animation frame) for each
 * kind, and passes every other event through untouched. The first progress event of a kind
 * goes through at once; a held-back one is delivered when its time comes, or at once before
 * the next non-progress event, completion or error, so the final figure is never lost and the
 * lifecycle order is kept. `new Observable` is used because that flush cannot be composed
 * from `throttleTime`, whose trailing value would arrive after the next stage's event.
 *
 * @param interval - milliseconds between events of a kind, `'frame'`, or `0` for every event
 * @param scheduler - for tests; defaults to the animation-frame scheduler for `'frame'`
 * @example
 * ```ts
 * import { sampleProgress } from 'rx-transfer';
 * events$.pipe(sampleProgress('frame')).subscribe(render);
 * ```
 */
export function sampleProgress<E extends { type: string }>(
  interval: ProgressInterval = 50,
  scheduler: SchedulerLike = defaultScheduler(interval),
): MonoTypeOperatorFunction<E> {
  const frame = interval === 'frame' && scheduler !== asyncScheduler;
  const gap = interval === 'frame' ? FRAME_FALLBACK_MS : interval;
  if (gap === 0) return (source) => source;
  return (source) =>
    new Observable<E>((subscriber) => {
      const lastSent = new Map<string, number>();
      let held: E | undefined;
      let timer: Subscription | undefined;
      const send = (event: E) => {
        lastSent.set(event.type, scheduler.now());
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
        if (last === undefined || (!frame && timer === undefined && scheduler.now() - last >= gap)) return send(event);
        held = event;
        timer ??= scheduler.schedule(flush, frame ? 0 : Math.max(0, last + gap - scheduler.now()));
      };
      const subscription = source.subscribe({
        next: (event) => {
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

function defaultScheduler(interval: ProgressInterval): SchedulerLike {
  return interval === 'frame' && typeof requestAnimationFrame === 'function' ? animationFrameScheduler : asyncScheduler;
}
