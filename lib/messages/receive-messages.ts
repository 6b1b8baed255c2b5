import { overrun, readFailure } from '../bodies/body-failures.js';
import { BodyReadError, readChunks } from '../bodies/read-chunks.js';
import type { Download } from '../bodies/receive-response.js';
import { responseTotal } from '../bodies/response-total.js';
import type { SentAttempt } from '../core/attempt.js';
import { now } from '../core/clock.js';
import type { TransferEvent } from '../core/events.js';
import type { MessageType, TransferOptions } from '../core/options.js';
import { LineTooLongError, MessageParseError } from '../errors/message-errors.js';
import { TruncatedBodyError } from '../errors/transfer-errors.js';
import { createProgressMeter } from '../progress/progress-meter.js';
import { createMessageStream, type MessageStream, StreamClosed } from './message-stream.js';
import { type MessageParser, splitLines } from './split-lines.js';

/** The default of `maxLineLength`: 1 Mi characters. */
const DEFAULT_MAX_LINE = 1024 * 1024;
const STREAMING = { stream: true };
const ignore = () => undefined;

/** Loads what a response of `responseType` parses with, ahead of its headers (eventsource-parser, for SSE). */
export async function preload(responseType: MessageType): Promise<void> {
  if (responseType === 'sse') await import('./parse-event-stream.js');
}

/**
 * A message stream's response, from its `headers` on: the body read as it comes, each message
 * delivered as a `message` event (those a chunk completes, then the chunk's `download-progress`),
 * then `complete` when the body ends (`done`); a `live` event stream throws {@link StreamClosed}
 * instead, so that it reconnects. A 204 (or a HEAD) completes at once, live or not.
 *
 * Backpressure: each `message` goes to the subscriber synchronously, and the next chunk is read
 * only once every message of this one has been taken; until then the platform's stream and the
 * connection's flow control hold the rest. What is held here is one chunk and the part of one
 * line (at most `maxLineLength` characters).
 */
export async function receiveMessages(
  sent: SentAttempt,
  options: TransferOptions,
  emit: (event: TransferEvent<unknown>) => void,
  download: Download,
  done: (loaded: number) => void,
): Promise<void> {
  const { response, method } = sent;
  download.messages ??= createMessageStream(options);
  const stream = download.messages;
  if (response.status === 204 || method === 'HEAD') {
    await response.body?.cancel().catch(ignore);
    return done(0);
  }
  // The messages of one read share its time: they arrived together (and a clock read per message cost a quarter of
  // the library's time per message in Node).
  const clock = { time: now() };
  const parser = await parserFor(download, options, stream, sent, emit, clock);
  const loaded = await readBody(sent, options, parser, emit, clock);
  if (options.live) throw new StreamClosed();
  done(loaded);
}

/**
 * Reads the body to its end through `parser`, a chunk at a time: the chunk's messages, then its
 * `download-progress`. Returns the bytes read; fails as a download does (the connection, a body
 * shorter or longer than its stated length), cancelling the body.
 */
async function readBody(
  sent: SentAttempt,
  options: TransferOptions,
  parser: MessageParser,
  emit: (event: TransferEvent<unknown>) => void,
  clock: { time: number },
): Promise<number> {
  const { response, method, url } = sent;
  const { total, source } = responseTotal(response.headers, options.sizeHintHeader);
  const meter = createProgressMeter(total);
  const decoder = new TextDecoder();
  let loaded = 0;
  const take = (chunk: Uint8Array): undefined => {
    loaded += chunk.byteLength;
    if (total !== undefined && loaded > total) throw overrun(sent, total, loaded, source, options.sizeHintHeader);
    const time = now();
    clock.time = time;
    parser.feed(decoder.decode(chunk, STREAMING));
    emit({ type: 'download-progress', time, totalSource: source, ...meter(loaded, time) });
  };
  try {
    await readChunks(response.body, take, () => loaded);
  } catch (error) {
    throw error instanceof BodyReadError ? readFailure(error, total, sent) : error;
  }
  clock.time = now();
  parser.feed(decoder.decode());
  parser.end();
  if (total !== undefined && loaded < total) throw new TruncatedBodyError(method, url, total, loaded);
  return loaded;
}

/** The parser of this response type, delivering each message as a `message` event. */
async function parserFor(
  download: Download,
  options: TransferOptions,
  stream: MessageStream,
  { method, url }: SentAttempt,
  emit: (event: TransferEvent<unknown>) => void,
  clock: { time: number },
): Promise<MessageParser> {
  const maxLength = options.maxLineLength ?? DEFAULT_MAX_LINE;
  const deliver = (message: unknown, line: number | undefined) => {
    stream.delivered++;
    emit({ type: 'message', time: clock.time, message, line });
  };
  const tooLong = (line?: number) => new LineTooLongError(method, url, maxLength, line);
  if (download.responseType === 'sse') {
    // eventsource-parser loads only for an event stream: a line stream does not need it.
    const { parseEventStream } = await import('./parse-event-stream.js');
    return parseEventStream(stream, maxLength, (event) => deliver(event, undefined), tooLong);
  }
  if (download.responseType === 'lines') return splitLines(maxLength, deliver, tooLong);
  const skip = options.badLines === 'skip';
  return splitLines(
    maxLength,
    (line, number) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        // Blank lines separate nothing in NDJSON: they are passed over, as most readers do.
        if (skip || line.trim() === '') return;
        throw new MessageParseError(method, url, number, line, error);
      }
      deliver(value, number);
    },
    tooLong,
  );
}
