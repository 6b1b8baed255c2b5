import { delay } from './delay.ts';
import type { Exchange } from './exchange.ts';
import { flag, optionalPositive } from './query-params.ts';

/**
 * `POST|PUT /upload?readRate=<bytes/s>&respondEarly=1&respondAfter=<ms>`: reads the body, at most `readRate` bytes per
 * second (pausing the request, so that TCP or HTTP/2 flow control pushes back on the client), and answers
 * `{ id, bytes, protocol }`, `respondAfter` ms after the body ended (a server that takes its time over a file). With
 * `respondEarly=1` it answers before reading, then keeps draining.
 */
export function serveUpload(ex: Exchange): void {
  const readRate = optionalPositive(ex.url, 'readRate');
  const respondAfter = optionalPositive(ex.url, 'respondAfter') ?? 0;
  if (readRate !== undefined) throttle(ex, readRate);
  const reply = () => ex.json(200, { id: ex.id ?? null, bytes: ex.record.bytesReceived, protocol: ex.protocol });
  const replyAfter = (ms: number) =>
    ms === 0 ? reply() : void delay(ms, ex.closed).then(() => ex.closed.aborted || reply());
  if (flag(ex.url, 'respondEarly')) reply();
  // The record's own 'end' listener, attached with the exchange, has run: it knows whether this end is an abort.
  else ex.req.once('end', () => ex.record.requestComplete && replyAfter(respondAfter));
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
