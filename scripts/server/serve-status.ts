import { BadRequest } from './bad-request.ts';
import type { Exchange, HeaderMap } from './exchange.ts';

const WITHOUT_BODY = new Set([204, 205, 304]);

/** `GET|POST /status/:code?retryAfter=<s>&body=<text>`: that status, a text body (none for 204, 205, 304). */
export function serveStatus(ex: Exchange, code: number): void {
  if (code < 200 || code > 599) throw new BadRequest('status must be within 200-599');
  const headers: HeaderMap = { 'content-type': 'text/plain; charset=utf-8' };
  const retryAfter = ex.url.searchParams.get('retryAfter');
  if (retryAfter !== null) headers['retry-after'] = retryAfter;
  const body = ex.url.searchParams.get('body') ?? `status ${code} body`;
  ex.respond(code, headers, WITHOUT_BODY.has(code) ? undefined : body);
}
