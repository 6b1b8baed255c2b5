import { delay } from './delay.ts';
import type { Exchange } from './exchange.ts';
import { patternAt } from './pattern.ts';
import { intOr } from './query-params.ts';

/**
 * `GET /drip?ms=&bytes=`: a 200 of `bytes` pattern bytes (default 4) with Content-Length, its headers sent at once and
 * its body one byte every `ms` (default 900), the first `ms` after the headers: a body that is slow but never idle
 * for longer than `ms` (the record's `dripGaps` says how long it was).
 */
export async function serveDrip(ex: Exchange): Promise<void> {
  const ms = intOr(ex.url, 'ms', 900);
  const bytes = intOr(ex.url, 'bytes', 4);
  ex.head(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
  ex.flushHeaders();
  const gaps: number[] = [];
  ex.record.dripGaps = gaps;
  let last = performance.now();
  for (let offset = 0; offset < bytes && !ex.closed.aborted; offset++) {
    await delay(ms, ex.closed);
    await ex.write(patternAt(offset, 1));
    const now = performance.now();
    gaps.push(Math.round(now - last));
    last = now;
  }
  if (!ex.closed.aborted) ex.end();
}
