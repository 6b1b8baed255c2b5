import type { KyInstance, Options as KyOptions } from 'ky';
import type { ServerSentEvent } from '../messages/server-sent-event.js';
import type { TimeoutLimits } from '../policies/deadlines.js';
import type { ResumeState } from '../policies/resume.js';
import type { RetryPolicy } from '../policies/retry-policy.js';
import type { TransportName } from '../transports/transport.js';

/**
 * What a request body may be. A `ReadableStream` has no known total; every other kind does.
 * For a JSON value use the `json` option instead.
 *
 * A `ReadableStream` is sent once: a locked one (read elsewhere, or sent by an earlier
 * subscription) is refused with an `InvalidTransferOptionError`. A stream already cancelled or
 * closed cannot be told from an empty one (the Streams API shows only `locked`, and reading
 * either ends at once): it is sent as an empty body.
 */
export type TransferBody =
  | string
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | URLSearchParams
  | FormData
  | ReadableStream<Uint8Array>;

/** The shapes a response body can be delivered in; see {@link TransferOptions.responseType}. */
export type ResponseType = 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream' | 'none' | MessageType;

/** The response types whose body is delivered as a stream of `message` events, one per line or event. */
export type MessageType = 'lines' | 'ndjson' | 'sse';

/** The body type delivered for each {@link ResponseType}, with `T` the caller's JSON type. */
export interface ResponseBodyMap<T> {
  json: T;
  text: string;
  blob: Blob;
  arrayBuffer: ArrayBuffer;
  stream: ReadableStream<Uint8Array>;
  none: undefined;
  lines: undefined;
  ndjson: undefined;
  sse: undefined;
}

/** The message type of each {@link MessageType}, with `M` the caller's type of an NDJSON line. */
export interface MessageMap<M> {
  lines: string;
  ndjson: M;
  sse: ServerSentEvent;
}

/** How often progress events may be delivered: milliseconds between events, or once per animation frame. */
export type ProgressInterval = number | 'frame';

/**
 * The request-building options, as ky defines them. With `hooks`, `searchParams` or a `ky`
 * instance the request goes through ky; without, rx-transfer hands fetch the same request as a
 * URL and init (`prefix` and `baseUrl` joined as ky joins them, `undefined` headers left out)
 * and skips ky's per-request cost. `redirect` defaults to `'error'` for a streamed body in Node (`'manual'` in browsers), whose fetch
 * would otherwise keep the whole body in memory (nodejs/undici#4058).
 */
export type KyPassThroughOptions = {
  [K in keyof Pick<
    KyOptions,
    | 'headers'
    | 'searchParams'
    | 'prefix'
    | 'baseUrl'
    | 'hooks'
    | 'context'
    | 'credentials'
    | 'mode'
    | 'cache'
    | 'redirect'
    | 'referrer'
    | 'referrerPolicy'
    | 'integrity'
    | 'keepalive'
    | 'priority'
  >]?: KyOptions[K] | undefined;
};

/**
 * One exchange, described in one object. Never mutated.
 *
 * @typeParam J - the type of the `json` request body.
 */
export interface TransferOptions<J = unknown> extends KyPassThroughOptions {
  /**
   * The URL, resolved against `prefix` and `baseUrl` as ky resolves it: `http:` or `https:`, or
   * for a GET without a body `data:` and `blob:`; without credentials (`user:password@`, which
   * fetch refuses: send them in an `Authorization` header).
   */
  url: string | URL;
  /** @default 'GET' */
  method?: string | undefined;
  /**
   * The request body; see {@link TransferBody}. Exclusive with `json`. A function that returns a
   * fresh `ReadableStream` is called once per attempt: the only way a stream body can be retried
   * (a stream is read once, and nothing is buffered for a retry).
   */
  body?: TransferBody | (() => ReadableStream<Uint8Array>) | undefined;
  /** A value sent as JSON (`Content-Type: application/json`). Exclusive with `body`. */
  json?: J | undefined;
  /**
   * The shape of `complete`'s body. `'stream'` hands the body over unread at the headers
   * (the exchange completes there, with no download progress); `'none'` reads and drops it.
   * The message streams deliver the body as `message` events instead, each as soon as it has
   * arrived, and complete with no body: `'lines'` (each line, split at `\n` or `\r\n`, as a
   * string), `'ndjson'` (each non-blank line parsed as JSON, typed by the caller), `'sse'`
   * (Server-Sent Events by the WHATWG event-stream rules, reconnecting with `Last-Event-ID`; see
   * `live`). Their parsers load on demand, at the first such response.
   * @default 'json', or 'none' when a `sink` is given
   */
  responseType?: ResponseType | undefined;
  /**
   * For `responseType: 'sse'`: the stream is live, so a normal close by the server is not its end
   * but a break: it reconnects after the server's `retry:` time (or the backoff), sending the last
   * event ID as `Last-Event-ID`, and never completes but on a 204. Without it, a normal close
   * completes the exchange. Failures reconnect as the `retry` policy says, either way.
   * @default false
   */
  live?: boolean | undefined;
  /**
   * For the message streams: the most characters one line may have (`'lines'`, `'ndjson'`), or an
   * event stream may hold of an event not yet complete (`'sse'`: its partial line and data lines).
   * A longer one fails the exchange with a `LineTooLongError`: what is buffered stays bounded
   * whatever the server sends.
   * @default 1048576
   */
  maxLineLength?: number | undefined;
  /**
   * For `responseType: 'ndjson'`: what a line that is not JSON does: `'error'` fails the exchange
   * with a `MessageParseError` (its line number and text), `'skip'` drops it and goes on.
   * @default 'error'
   */
  badLines?: 'error' | 'skip' | undefined;
  /**
   * Pipe the response body into this stream, with backpressure; `complete` then carries no
   * body. The sink is aborted if the exchange fails or is cancelled, and closed on success.
   */
  sink?: WritableStream<Uint8Array> | undefined;
  /**
   * Keep the first N bytes of the response body on `complete.prefix`. Memory is taken as the
   * bytes arrive, never more than arrived, so a large N costs only what the body has. At most
   * `Number.MAX_SAFE_INTEGER`, as for every byte count.
   * @default 0
   */
  keepBytes?: number | undefined;
  /**
   * A response header that states the decoded body size (for example `x-decoded-length`),
   * trusted as the download total even under `Content-Encoding`.
   */
  sizeHintHeader?: string | undefined;
  /**
   * The least time between two progress events of one kind. The first and the final
   * progress event are always delivered. `0` delivers every chunk.
   * @default 50
   */
  progressInterval?: ProgressInterval | undefined;
  /**
   * Size of the chunks a request body is streamed in, in bytes (at most: a Blob's own chunks
   * are cut to it, never joined). A body of one chunk or less is sent whole. Larger chunks cost
   * less per byte and report progress more coarsely, further ahead of the server. Browsers take
   * 64 KiB, and 256 KiB for a body of 4 MiB or more (16 steps at least): the lead over an HTTP/2
   * server stays a window and three chunks, and large Files and Blobs stream as fast as
   * `fetch(blob.stream())`. Node writes each chunk to the socket, and 64 KiB chunks of a 64 MiB
   * Blob cost 24-27% more CPU than raw fetch's one write (BENCHMARKS.md), so Node takes 1 MiB.
   * @default 65536 in browsers (262144 for a body of 4 MiB or more), 1048576 elsewhere
   */
  uploadChunkSize?: number | undefined;
  /**
   * The path that carries the request body, instead of the one picked for the platform and origin
   * (see {@link TransportName}): `'fetch'` or `'xhr'` send the body whole with its Content-Length
   * (for endpoints that refuse bodies without one, like S3 presigned PUTs or MinIO); `'fetch-stream'`
   * streams it, with upload progress as the network takes each chunk. A choice the platform or
   * origin cannot carry (XHR in Node, a stream to an HTTP/1.1 origin in a browser, a
   * `ReadableStream` body sent whole) is refused before any traffic.
   * @default a body of one chunk or less goes `'fetch'`; a larger one streams outside browsers, and
   * in a browser streams to an origin seen to speak HTTP/2 and goes `'xhr'` otherwise
   */
  transport?: TransportName | undefined;
  /** Most bytes of an error response's body kept as text on `HTTPError.data`. @default 65536 */
  maxErrorBodyBytes?: number | undefined;
  /**
   * Limits in milliseconds for the whole exchange and for each of its phases, each ending it with a
   * {@link TimeoutError} naming the phase; `false` turns them all off. See {@link TimeoutLimits}.
   * @default { total: false, headers: 60000, upload: 30000, download: 30000 }
   */
  timeout?: TimeoutLimits | false | undefined;
  /**
   * When a failed attempt goes again, and after how long: a {@link RetryPolicy}, a number (its
   * `limit`), or `false` for never. Each retry is announced by a `retry` event; the body is read
   * again from its source (a `ReadableStream` only through a body function); a request that a
   * server may have seen goes again only for the idempotent methods, unless the policy says so.
   * @default { limit: 2 } with the defaults of {@link RetryPolicy}
   */
  retry?: RetryPolicy | number | false | undefined;
  /**
   * Go on with a download where an earlier one stopped, perhaps in another page: the `resume` of
   * its last `download-progress` event (or of the error it ended with), stored and handed back.
   * The request asks for the rest (`Range` from `offset`, `If-Range` with the validator); a valid
   * 206 is written on into `sink`, which must hold the first `offset` bytes with its position at
   * `offset` (for a `FileSystemWritableFileStream`: `createWritable({ keepExistingData: true })`,
   * then `seek(offset)`). Progress counts on from `offset`. A 200 (the file changed, or the server
   * ignored Range) starts again from 0 into a sink that can be truncated, and otherwise fails with
   * a `ResumeError`. Needs `sink`.
   */
  resume?: ResumeState | undefined;
  /**
   * Checking the body against the digest its response states (`Repr-Digest`, or `Content-Digest`
   * on a whole response; sha-256 or sha-512; RFC 9530), as it streams, across a resume too: a
   * mismatch ends the exchange with an `IntegrityError`. `'require'` also fails when there is no
   * digest it can check (none, or under a Content-Encoding, which browsers decode before any
   * reader), and asks for one (`Want-Repr-Digest`, unless you set it: cross-origin, a header
   * that needs a CORS preflight). Named `digest`, not `integrity`: that is fetch's Subresource
   * Integrity option, passed through as it is. hash-wasm is loaded only when a digest is checked.
   * @default 'check'
   */
  digest?: 'check' | 'require' | 'off' | undefined;
  /** Ends the exchange with a {@link TransferAbortError} when aborted. */
  signal?: AbortSignal | undefined;
  /**
   * A ky instance (from `ky.create`/`ky.extend`) whose defaults and hooks apply; its timeout,
   * retries and progress are turned off for the exchange. Without one, ky is used only for
   * `hooks` and `searchParams`.
   */
  ky?: KyInstance | undefined;
}
