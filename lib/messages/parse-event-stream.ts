import { createParser } from 'eventsource-parser';
import type { MessageStream } from './message-stream.js';
import type { ServerSentEvent } from './server-sent-event.js';
import type { MessageParser } from './split-lines.js';

/**
 * Parses an event stream by the WHATWG rules (eventsource-parser: `\n`, `\r\n` and `\r` line ends,
 * a leading BOM, comments, multi-line data, `id` and `retry`), delivering each event dispatched.
 * The last event ID and the reconnection time go on `stream`, across attempts. An event cut off by
 * the end of the body is not dispatched (WHATWG: pending data is discarded). Holding more than
 * `maxLength` characters of an event not yet complete throws `tooLong()`.
 */
export function parseEventStream(
  stream: MessageStream,
  maxLength: number,
  deliver: (message: ServerSentEvent) => void,
  tooLong: () => Error,
): MessageParser {
  const parser = createParser({
    maxBufferSize: maxLength,
    onId: (id) => {
      stream.lastEventId = id;
    },
    onRetry: (time) => {
      stream.reconnectionTime = time;
    },
    onEvent: ({ event, data }) => deliver({ event: event ?? 'message', data, lastEventId: stream.lastEventId }),
    // Unknown fields and a `retry:` that is not a number are ignored, as WHATWG says.
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') throw tooLong();
    },
  });
  return { feed: parser.feed, end: () => undefined };
}
