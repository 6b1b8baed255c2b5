/** The validators a representation carries, as header values. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** What a GET of a representation of `length` bytes gets: bytes `[start, end)`, whole or in part, or a 416. */
export type RangeAnswer = { status: 200 | 206; start: number; end: number } | { status: 416 };

/**
 * The answer RFC 9110 (14.2, 13.1.5) gives to `range` and `ifRange`: a single byte range (`bytes=N-`, `bytes=N-M`,
 * `bytes=-N`) is honoured when `If-Range` is absent or matches (an entity tag compared strongly, or a date equal to
 * Last-Modified); a range that starts past the end is a 416; anything else (no Range, several ranges, another unit,
 * a failed If-Range) gets the whole representation.
 */
export function rangeAnswer(
  range: string | undefined,
  ifRange: string | undefined,
  length: number,
  validators: Validators,
): RangeAnswer {
  const whole = { status: 200, start: 0, end: length } as const;
  const asked = /^bytes=(\d*)-(\d*)$/.exec(range?.trim() ?? '');
  if (asked === null || (asked[1] === '' && asked[2] === '')) return whole;
  if (ifRange !== undefined && !ifRangeHolds(ifRange.trim(), validators)) return whole;
  const [, first = '', last = ''] = asked;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || length === 0
      ? { status: 416 }
      : { status: 206, start: Math.max(0, length - suffix), end: length };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return whole;
  if (start >= length) return { status: 416 };
  return { status: 206, start, end: last === '' ? length : Math.min(Number(last) + 1, length) };
}

function ifRangeHolds(ifRange: string, { etag, lastModified }: Validators): boolean {
  if (ifRange.startsWith('"')) return etag !== undefined && !etag.startsWith('W/') && ifRange === etag;
  if (ifRange.startsWith('W/')) return false;
  return lastModified !== undefined && ifRange === lastModified;
}
