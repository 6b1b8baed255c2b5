import type { ProgressFields } from './events.js';

/** How far back the rate looks, in milliseconds. */
const RATE_WINDOW_MS = 1000;

/**
 * The least time between two kept samples: a fast stream yields thousands of chunks a second,
 * and keeping a sample per chunk for a second made the garbage collector copy them all.
 */
const SAMPLE_SPACING_MS = RATE_WINDOW_MS / 20;

/** Turns successive byte counts into progress fields with a rate over about the last second. */
export type ProgressMeter = (loaded: number, time: number) => ProgressFields;

/**
 * Creates a meter for one stream of bytes that began at `startTime`.
 * `total` is `undefined` when it is not trustworthy.
 */
export function createProgressMeter(total: number | undefined, startTime: number): ProgressMeter {
  // Pairs of (time, loaded), oldest first.
  const samples = [startTime, 0];
  return (loaded, time) => {
    if (time - (samples.at(-2) as number) >= SAMPLE_SPACING_MS) samples.push(time, loaded);
    while (samples.length > 4 && (samples[2] as number) <= time - RATE_WINDOW_MS) samples.splice(0, 2);
    const elapsed = time - (samples[0] as number);
    const rate = elapsed > 0 ? ((loaded - (samples[1] as number)) * 1000) / elapsed : 0;
    return {
      loaded,
      total,
      percent: total === undefined ? undefined : total === 0 ? 100 : (loaded / total) * 100,
      rate,
      eta: total === undefined || rate <= 0 ? undefined : Math.max(0, total - loaded) / rate,
    };
  };
}
