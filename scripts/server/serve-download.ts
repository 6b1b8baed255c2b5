import { delay, whenAborted } from './delay.ts';
import { type DownloadEnding, type DownloadPlan, downloadPlan } from './download-plan.ts';
import type { Exchange, HeaderMap } from './exchange.ts';
import { gzippedPattern } from './gzipped-pattern.ts';
import { patternAt } from './pattern.ts';

/** Gives `length` body bytes from `offset`. */
export type ByteSource = (offset: number, length: number) => Uint8Array;

/**
 * `GET /download?size=&chunk=&rate=&gzip=1&length=lie:<n>|none&cutAt=&dropAt=&stallAt=&sizeHint=1&status=`: `size` bytes
 * where byte i is `i % 251`, possibly gzipped, paced, cut, dropped or stalled, with `status` (default 200). Offsets in `cutAt`, `dropAt` and `stallAt`
 * count bytes on the wire (compressed ones with `gzip=1`). `url` stands in for the request's own (another route's
 * choice of query).
 */
export async function serveDownload(ex: Exchange, url: URL = ex.url): Promise<void> {
  const plan = downloadPlan(url);
  const compressed = plan.gzip ? await gzippedPattern(plan.size) : undefined;
  const source: ByteSource = compressed ? (offset, length) => compressed.subarray(offset, offset + length) : patternAt;
  const length = compressed?.byteLength ?? plan.size;
  const limit = plan.ending.kind === 'end' ? length : Math.min(plan.ending.at, length);
  ex.head(Number(url.searchParams.get('status') ?? 200), downloadHeaders(plan, length));
  if (limit === 0) ex.flushHeaders();
  await sendBytes(ex, source, limit, plan);
  await finish(ex, plan.ending);
}

function downloadHeaders(plan: DownloadPlan, length: number): HeaderMap {
  const headers: HeaderMap = { 'content-type': 'application/octet-stream' };
  if (plan.gzip) headers['content-encoding'] = 'gzip';
  if (plan.sizeHint) headers['x-decoded-length'] = plan.size;
  if (plan.length !== 'none') headers['content-length'] = plan.length === 'body' ? length : plan.length;
  return headers;
}

/** Writes bytes `[0, limit)` in `plan.chunk` pieces, paced to `plan.rate`, waiting for 'drain' when asked to. */
export async function sendBytes(
  ex: Exchange,
  source: ByteSource,
  limit: number,
  plan: Pick<DownloadPlan, 'chunk' | 'rate'>,
): Promise<void> {
  const start = performance.now();
  for (let offset = 0; offset < limit && !ex.closed.aborted; offset += plan.chunk) {
    const due = plan.rate === undefined ? 0 : start + (offset * 1000) / plan.rate - performance.now();
    if (due > 0) await delay(due, ex.closed);
    await ex.write(source(offset, Math.min(plan.chunk, limit - offset)));
  }
}

/** Ends the response as `ending` says: normally, cut (after the last write is out), or stalled until the client leaves. */
export async function finish(ex: Exchange, ending: DownloadEnding): Promise<void> {
  if (ending.kind === 'end') return ex.end();
  if (ending.kind === 'stall') return whenAborted(ex.closed);
  await ex.flushed();
  if (!ex.closed.aborted) ex.reset();
}
