import { delay } from './delay.ts';
import type { Exchange } from './exchange.ts';
import { intOr } from './query-params.ts';

const BODY = 'headers dripped';

/**
 * `GET /dripped-headers?ms=`: the status line and header block written a byte every `ms` (default 900) on the raw
 * connection, then a short text body, and the connection closed. No response begins until the blank line that ends
 * the block, so a client's idle timer would be kept alive by it while its headers deadline must not be. HTTP/1.1 only
 * (400 over HTTP/2, whose HEADERS frame cannot be sent in pieces through node:http2).
 */
export async function serveDrippedHeaders(ex: Exchange): Promise<void> {
  const ms = intOr(ex.url, 'ms', 900);
  const head = Buffer.from(headerBlock(ex));
  for (let offset = 0; offset < head.byteLength && !ex.closed.aborted; offset++) {
    if (offset > 0) await delay(ms, ex.closed);
    await ex.writeRaw(head.subarray(offset, offset + 1));
  }
  await ex.writeRaw(Buffer.from(BODY));
  ex.endRaw();
}

/** The header block as Node would write it, with the common headers already set on the response. */
function headerBlock(ex: Exchange): string {
  const headers = {
    ...ex.res.getHeaders(),
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(BODY),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`);
  return `HTTP/1.1 200 OK\r\n${lines.join('\r\n')}\r\n\r\n`;
}
