import type { ResumableEvent } from '../../lib/resumable/index.js';

/**
 * Where upload progress went back without an `offset` event of reason `'behind'` or `'restarted'`
 * just before it (the one promise of a resumable upload's progress): `from -> to` for each.
 */
export function progressSetbacks(events: readonly ResumableEvent[]): string[] {
  const setbacks: string[] = [];
  let last = 0;
  let excused = false;
  for (const event of events) {
    if (event.type === 'offset') excused = event.reason === 'behind' || event.reason === 'restarted';
    if (event.type !== 'upload-progress') continue;
    if (event.loaded < last && !excused) setbacks.push(`${last} -> ${event.loaded}`);
    excused = false;
    last = event.loaded;
  }
  return setbacks;
}

/** `count` distinct offsets drawn at random between 5% and 95% of `size`, at least `gap` apart, ascending. */
export function randomOffsets(size: number, count: number, gap: number): number[] {
  for (;;) {
    const offsets = Array.from({ length: count }, () => Math.round(size * (0.05 + 0.9 * Math.random()))).sort(
      (a, b) => a - b,
    );
    if (offsets.every((offset, index) => index === 0 || offset - (offsets[index - 1] as number) >= gap)) return offsets;
  }
}

/** The event types in order, each run of upload-progress shown once as `upload-progress+`. */
export function eventTypes(events: readonly ResumableEvent[]): string[] {
  const types: string[] = [];
  for (const { type } of events) {
    const label = type === 'upload-progress' ? 'upload-progress+' : type;
    if (label !== types.at(-1) || label !== 'upload-progress+') types.push(label);
  }
  return types;
}
