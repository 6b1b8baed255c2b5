import { BadRequest } from './bad-request.ts';
import type { Exchange, HeaderMap } from './exchange.ts';
import { optionalInt } from './query-params.ts';

const WITHOUT_BODY = new Set([204, 205, 304]);

/**
 * `GET|POST /status/:code?retryAfter=<text>&retryAt=<s>&body=<text>`: that status, a text body (none for 204, 205,
 * 304). `retryAfter` is sent as the Retry-After header as given (delay-seconds); `retryAt` sends it as the HTTP date
 * `s` seconds from now (whole seconds, as the format has them).
 */
export function serveStatus(ex: Exchange, code: number): void {
  if (code < 200 || code > 599) throw new BadRequest('status must be within 200-599');
  const headers: HeaderMap = { 'content-type': 'text/plain; charset=utf-8' };
  const retryAfter = ex.url.searchParams.get('retryAfter');
  const retryAt = optionalInt(ex.url, 'retryAt');
  if (retryAfter !== null) headers['retry-after'] = retryAfter;
  else if (retryAt !== undefined) headers['retry-after'] = new Date(Date.now() + retryAt * 1000).toUTCString();
  const body = ex.url.searchParams.get('body') ?? `status ${code} body`;
  ex.respond(code, headers, WITHOUT_BODY.has(code) ? undefined : body);
}
