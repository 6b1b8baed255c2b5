import { once } from 'node:events';
import { BadRequest } from './bad-request.ts';
import type { Exchange } from './exchange.ts';
import { flag, intOr, optionalInt } from './query-params.ts';
import { serveDownload } from './serve-download.ts';
import { serveStatus } from './serve-status.ts';
import { serveUpload } from './serve-upload.ts';

/** The query parameters that make a request fail; a request that succeeds is served without them. */
const FAILURE_PARAMS = ['status', 'retryAfter', 'retryAt', 'cutAt', 'dropAt', 'stallAt', 'hangUp'];

/**
 * `GET|POST|PUT /flaky?id=&fails=&size=` and one failure: the first `fails` (default 1) requests carrying the test id
 * `id` (required) fail, and later ones succeed; the record store counts every request of the id (`requests`). A
 * failing request's body is read whole first (the server has seen it all); then the failure, by the query:
 * - `status=<code>`, with `retryAfter` or `retryAt` as `/status/:code` takes them;
 * - `cutAt`, `dropAt` or `stallAt=<offset>`: a download of `size` bytes cut there, as `/download` does it;
 * - `hangUp=1`: the connection closed (HTTP/2: the stream reset) with no answer.
 *
 * A success is a 200 download of `size` bytes (GET; byte i is `i % 251`) or the answer of `/upload` (POST, PUT).
 */
export async function serveFlaky(ex: Exchange): Promise<void> {
  if (ex.id === undefined) throw new BadRequest('/flaky counts requests by test id: give one');
  if (ex.record.requests > intOr(ex.url, 'fails', 1)) return succeed(ex);
  await bodyRead(ex);
  if (ex.closed.aborted) return;
  const status = optionalInt(ex.url, 'status');
  if (status !== undefined) return serveStatus(ex, status);
  if (flag(ex.url, 'hangUp')) return ex.reset();
  if (!['cutAt', 'dropAt', 'stallAt'].some((name) => ex.url.searchParams.has(name)))
    throw new BadRequest('/flaky needs a failure: status, cutAt, dropAt, stallAt or hangUp=1');
  return serveDownload(ex);
}

function succeed(ex: Exchange): Promise<void> | void {
  if (ex.req.method !== 'GET') return serveUpload(ex);
  const url = new URL(ex.url);
  for (const name of FAILURE_PARAMS) url.searchParams.delete(name);
  return serveDownload(ex, url);
}

/** Resolves once the request body has been read to its end (the server has seen it all), or the exchange closed. */
async function bodyRead(ex: Exchange): Promise<void> {
  if (!ex.req.readableEnded) await once(ex.req, 'end', { signal: ex.closed }).catch(() => undefined);
}
