import { delay } from './delay.ts';
import type { Exchange } from './exchange.ts';
import { intOr } from './query-params.ts';

/** `GET /slow-headers?ms=`: waits `ms` (default 1000), or until the client leaves, then answers a short text. */
export async function serveSlowHeaders(ex: Exchange): Promise<void> {
  const ms = intOr(ex.url, 'ms', 1000);
  await delay(ms, ex.closed);
  if (!ex.closed.aborted) ex.respond(200, { 'content-type': 'text/plain; charset=utf-8' }, `headers after ${ms} ms`);
}
