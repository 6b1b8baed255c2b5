import type { ProgressFields } from './events.js';

/** How far back the rate looks, in milliseconds. */
const RATE_WINDOW_MS = 1000;

interface Sample {
  readonly time: number;
  readonly loaded: number;
}

/** Turns successive byte counts into progress fields with a rate over about the last second. */
export type ProgressMeter = (loaded: number, time: number) => ProgressFields;

/**
 * Creates a meter for one stream of bytes that began at `startTime`.
 * `total` is `undefined` when it is not trustworthy.
 */
export function createProgressMeter(total: number | undefined, startTime: number): ProgressMeter {
  const samples: Sample[] = [{ time: startTime, loaded: 0 }];
  return (loaded, time) => {
    samples.push({ time, loaded });
    while (samples.length > 2 && (samples[1] as Sample).time <= time - RATE_WINDOW_MS) samples.shift();
    const oldest = samples[0] as Sample;
    const elapsed = time - oldest.time;
    const rate = elapsed > 0 ? ((loaded - oldest.loaded) * 1000) / elapsed : 0;
    return {
      loaded,
      total,
      percent: total === undefined ? undefined : total === 0 ? 100 : (loaded / total) * 100,
      rate,
      eta: total === undefined || rate <= 0 ? undefined : Math.max(0, total - loaded) / rate,
    };
  };
}
