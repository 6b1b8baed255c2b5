import type { ProgressFields } from '../core/events.js';

/** How far back the rate looks, in milliseconds. */
const RATE_WINDOW_MS = 1000;

/**
 * The least span of samples a rate is given for. Over less, one early chunk decides the figure:
 * an 8-second download paced at 2 MiB/s showed 31 MiB/s and an ETA of 0.5 s at its first
 * event, and was right after 0.2 s.
 */
const MIN_RATE_SPAN_MS = 200;

/**
 * The least time between two kept samples: a fast stream yields thousands of chunks a second,
 * and keeping a sample per chunk for a second made the garbage collector copy them all.
 */
const SAMPLE_SPACING_MS = RATE_WINDOW_MS / 20;

/** Turns successive byte counts into progress fields with a rate over about the last second. */
export type ProgressMeter = (loaded: number, time: number) => ProgressFields;

/**
 * Creates a meter for one stream of bytes. `total` is `undefined` when it is not trustworthy.
 *
 * The rate counts from the first figure on, not from the start of the stream: what arrived in
 * the first figure (a burst the socket buffered while the headers were read, or an upload's
 * first chunk) came in no time that can be measured. It is `undefined` until the samples span
 * 200 ms, and so is the ETA.
 */
export function createProgressMeter(total: number | undefined): ProgressMeter {
  // Pairs of (time, loaded), oldest first.
  const samples: number[] = [];
  return (loaded, time) => {
    if (samples.length === 0 || time - (samples.at(-2) as number) >= SAMPLE_SPACING_MS) samples.push(time, loaded);
    while (samples.length > 4 && (samples[2] as number) <= time - RATE_WINDOW_MS) samples.splice(0, 2);
    const span = time - (samples[0] as number);
    const rate = span >= MIN_RATE_SPAN_MS ? ((loaded - (samples[1] as number)) * 1000) / span : undefined;
    return {
      loaded,
      total,
      percent: total === undefined ? undefined : total === 0 ? 100 : (loaded / total) * 100,
      rate,
      eta: total === undefined || rate === undefined || rate <= 0 ? undefined : Math.max(0, total - loaded) / rate,
    };
  };
}
