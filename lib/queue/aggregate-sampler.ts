import type { ProgressInterval } from '../core/options.js';

/** A frame's length where no animation frames exist (Node, workers). */
const FRAME_FALLBACK_MS = 16;

/**
 * Paces a batch's `aggregate` events: the first change goes out at once, later ones at most one per
 * interval, and one per interval while `active()` (items run: the rate moves even when no byte
 * arrives). An interval of 0 sends one per change and no more. `show()` sends the aggregate as it
 * stands, or declines (returns false) to have it held until the next tick or `flush()`.
 */
export interface AggregateSampler {
  /** A figure changed. */
  changed(): void;
  /** Sends what is pending at once (the batch's final aggregate), whatever `show` would say. */
  flush(send: () => void): void;
  stop(): void;
}

/** Creates a sampler over the platform's timers, or its animation frames for `'frame'` where there are frames. */
export function createAggregateSampler(
  interval: ProgressInterval,
  active: () => boolean,
  show: () => boolean,
): AggregateSampler {
  const frames = interval === 'frame' && typeof requestAnimationFrame === 'function';
  const gap = interval === 'frame' ? FRAME_FALLBACK_MS : interval;
  let last = Number.NEGATIVE_INFINITY;
  let dirty = false;
  let timer: (() => void) | undefined;
  const schedule = (delay: number) => {
    if (frames) {
      const id = requestAnimationFrame(tick);
      timer = () => cancelAnimationFrame(id);
    } else {
      const id = setTimeout(tick, delay);
      timer = () => clearTimeout(id);
    }
  };
  const send = () => {
    if (!show()) return;
    dirty = false;
    last = performance.now();
  };
  function tick() {
    timer = undefined;
    if (dirty || active()) send();
    if (active()) schedule(gap);
  }
  return {
    changed() {
      dirty = true;
      if (timer !== undefined) return;
      const wait = frames ? 0 : last + gap - performance.now();
      if (frames || wait > 0) return schedule(wait);
      send();
      if (gap > 0 && active()) schedule(gap);
    },
    flush(sendFinal) {
      timer?.();
      timer = undefined;
      dirty = false;
      last = performance.now();
      sendFinal();
    },
    stop() {
      timer?.();
      timer = undefined;
    },
  };
}
