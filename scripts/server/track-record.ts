import { Http2ServerResponse } from 'node:http2';
import type { NodeRequest, NodeResponse } from './node-types.ts';
import { type Arrival, MAX_ARRIVALS, type TransferRecord } from './transfer-record.ts';

const ignore = () => undefined;

/**
 * Keeps `record` up to date with the events of one request and its response, calling `changed` after each update.
 * Starts reading the request body (every route drains it); a route may still pause and resume it.
 */
export function trackRecord(
  req: NodeRequest,
  res: NodeResponse,
  record: TransferRecord,
  started: number,
  changed: () => void,
): void {
  const elapsed = () => performance.now() - started;
  const update = (apply: () => void) => {
    apply();
    changed();
  };
  const abort = () => {
    if (record.clientAborted || record.serverAborted) return;
    update(() => {
      record.clientAborted = true;
      record.abortedAt = elapsed();
    });
  };
  req.on('data', (chunk: Buffer) => update(() => addArrival(record, chunk.byteLength, elapsed())));
  // After an abort the HTTP/2 request still emits 'end' (a client RST_STREAM destroys the stream, which ends it).
  req.on('end', () => record.clientAborted || record.serverAborted || update(() => (record.requestComplete = true)));
  // HTTP/2: a stream closed abnormally (RST_STREAM, GOAWAY, lost connection), even after the request body ended.
  req.on('aborted', abort);
  req.on('close', () => record.requestComplete || abort());
  // HTTP/2 compatibility responses emit 'finish' only when the stream closes, ended or not (even on RST_STREAM):
  // the stream's own 'finish' tells when the response was written and ended.
  const writable = res instanceof Http2ServerResponse ? res.stream : res;
  writable.on(
    'finish',
    () => res.writableEnded && !record.clientAborted && update(() => (record.responseComplete = true)),
  );
  res.on('close', () => record.responseComplete || abort());
  req.on('error', ignore);
  res.on('error', ignore);
  if (res instanceof Http2ServerResponse) res.stream.on('error', ignore);
}

function addArrival(record: TransferRecord, bytes: number, t: number): void {
  record.bytesReceived += bytes;
  const arrival: Arrival = { t, bytes: record.bytesReceived };
  if (record.arrivals.length < MAX_ARRIVALS) record.arrivals.push(arrival);
  else record.arrivals[MAX_ARRIVALS - 1] = arrival;
}
