import { delay } from './delay.ts';
import type { Exchange } from './exchange.ts';
import { flag, optionalInt, optionalPositive } from './query-params.ts';

/** The most `failOnce` keys remembered; the oldest are forgotten beyond it (the server runs for minutes). */
const FAIL_ONCE_KEYS = 1000;
const UNAVAILABLE = { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '0' };

/**
 * `POST|PUT /upload?readRate=<bytes/s>&respondEarly=1&respondAfter=<ms>&failOnce=<key>&dropAt=<bytes>`: reads the
 * body, at most `readRate` bytes per second (pausing the request, so that TCP or HTTP/2 flow control pushes back on the
 * client), and answers `{ id, bytes, protocol }`, `respondAfter` ms after the body ended (a server that takes its time
 * over a file). With `respondEarly=1` it answers before reading, then keeps draining. The first request with a
 * `failOnce` key fails, for retries to meet: it reads the whole body and answers 503 with `Retry-After: 0`, or, with
 * `dropAt`, cuts the connection once that many bytes have arrived; later requests with the key go through. `failed`
 * holds the keys already failed.
 */
export function serveUpload(ex: Exchange, failed: Set<string> = new Set()): void {
  const readRate = optionalPositive(ex.url, 'readRate');
  const dropAt = optionalInt(ex.url, 'dropAt');
  const respondAfter = optionalPositive(ex.url, 'respondAfter') ?? 0;
  if (readRate !== undefined) throttle(ex, readRate);
  if (failsNow(ex.url.searchParams.get('failOnce'), failed)) {
    if (dropAt !== undefined) cutAt(ex, dropAt);
    else ex.req.once('end', () => ex.record.requestComplete && ex.respond(503, UNAVAILABLE, 'failed once, on purpose'));
    return;
  }
  const reply = () => ex.json(200, { id: ex.id ?? null, bytes: ex.record.bytesReceived, protocol: ex.protocol });
  const replyAfter = (ms: number) =>
    ms === 0 ? reply() : void delay(ms, ex.closed).then(() => ex.closed.aborted || reply());
  if (flag(ex.url, 'respondEarly')) reply();
  // The record's own 'end' listener, attached with the exchange, has run: it knows whether this end is an abort.
  else ex.req.once('end', () => ex.record.requestComplete && replyAfter(respondAfter));
}

/** Whether this request is the first with `key`, which it then marks as failed. */
function failsNow(key: string | null, failed: Set<string>): boolean {
  if (key === null || failed.has(key)) return false;
  if (failed.size >= FAIL_ONCE_KEYS) failed.delete(failed.values().next().value as string);
  failed.add(key);
  return true;
}

/** Cuts the connection once `bytes` of the body have arrived (the record counts them first). */
function cutAt(ex: Exchange, bytes: number): void {
  const onData = () => {
    if (ex.record.bytesReceived < bytes) return;
    ex.req.off('data', onData);
    ex.reset();
  };
  ex.req.on('data', onData);
}

/** After each chunk, pauses the request until reading has taken as long as `readRate` allows. */
function throttle(ex: Exchange, readRate: number): void {
  let read = 0;
  const gone = new AbortController();
  ex.req.once('close', () => gone.abort());
  ex.req.on('data', (chunk: Buffer) => {
    read += chunk.byteLength;
    const due = ex.started + (read * 1000) / readRate - performance.now();
    if (due <= 0) return;
    ex.req.pause();
    void delay(due, gone.signal).then(() => ex.req.resume());
  });
}
