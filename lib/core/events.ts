import type { ResumeState } from '../policies/resume.js';
import type { TransportName } from '../transports/transport.js';

/** Where a download's `total` came from, or `undefined` when no trustworthy total exists. */
export type TotalSource = 'content-length' | 'size-hint';

/** Fields every lifecycle event carries. */
interface EventBase {
  /** When the event happened: epoch milliseconds from a monotonic clock (`performance.timeOrigin + performance.now()`). */
  readonly time: number;
}

/** Fields shared by both kinds of progress event. */
export interface ProgressFields {
  /**
   * Bytes counted so far, never above `total`. Never decreases within one attempt (from one `start`
   * to the next); each attempt counts its own bytes from 0.
   */
  readonly loaded: number;
  /** Total bytes when it is trustworthy, otherwise `undefined` (never invented). */
  readonly total: number | undefined;
  /** `loaded / total * 100`, at most 100; `undefined` when the total is unknown. */
  readonly percent: number | undefined;
  /**
   * Recent throughput in bytes per second, over about the last second, counted from the
   * stream's first progress figure on (what that figure carried may have been buffered
   * before any clock could see it). `undefined` until the figures span 200 ms: over less,
   * one early chunk decides it (a download paced at 2 MiB/s read 31 MiB/s at its first event).
   * So a stream that ends within 200 ms of its first figure reports no rate at all; `complete`'s
   * `timings` give its average.
   */
  readonly rate: number | undefined;
  /** Seconds left at the current rate, or `undefined` when the total or the rate is unknown (or 0). */
  readonly eta: number | undefined;
}

/** The exchange began: the request is about to be handed to the transport. */
export interface StartEvent extends EventBase {
  readonly type: 'start';
  /** 1 for the first attempt; one more for each that follows (a retry, or an upload re-sent whole). */
  readonly attempt: number;
  readonly method: string;
  /** The absolute URL requested, after ky's prefix and search params. */
  readonly url: string;
  /** Which transport carries this attempt; see {@link TransportName}. */
  readonly transport: TransportName;
}

/**
 * Request body bytes handed to the network, counted as the transport can observe them
 * (see {@link UploadProgressEvent.granularity}).
 */
export interface UploadProgressEvent extends EventBase, ProgressFields {
  readonly type: 'upload-progress';
  /**
   * How the bytes were counted:
   * - `'chunk'` (`fetch-stream`): a chunk counts once the network pulls the next one, or the
   *   body ends; it runs ahead of the server by what the connection buffers (about one
   *   HTTP/2 window plus two chunks in Chromium).
   * - `'browser'` (`xhr`): as XHR's upload events report, every 100-300 ms in Chromium; over HTTP/1.1
   *   Chromium's figure runs megabytes ahead of what the server has read. So a server that
   *   answers early over HTTP/1.1 (nginx's 413 after reading 630 bytes of a larger body) may
   *   still be shown 100% and `sent`: the socket buffers took the rest, and XHR counts that as
   *   sent. The status that follows (an `HTTPError`) is what the server did with it.
   * - `'whole'` (`fetch`, or the end of an upload the transport could not follow): the body
   *   reported in one event once the response has begun; no intermediate figure is invented.
   */
  readonly granularity: 'chunk' | 'browser' | 'whole';
}

/**
 * The whole request body has been handed to the network. Only for requests with a body.
 * "Handed to" is not "read by the server": on the `xhr` transport over HTTP/1.1 a server that
 * answered after reading part of the body (a 413) can still be preceded by `sent`.
 */
export interface SentEvent extends EventBase {
  readonly type: 'sent';
  /** Request body bytes sent. */
  readonly bytes: number;
}

/** The response status and headers arrived. */
export interface HeadersEvent extends EventBase {
  readonly type: 'headers';
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirected: boolean;
}

/** Decoded response body bytes read so far. */
export interface DownloadProgressEvent extends EventBase, ProgressFields {
  readonly type: 'download-progress';
  /**
   * Where `total` came from; `undefined` together with `total`. A body that runs past its total
   * fails with an `OverlongBodyError` before any figure above it is reported.
   */
  readonly totalSource: TotalSource | undefined;
  /**
   * Where this download can go on from if it stops here, in another attempt or another page (store
   * it, and hand it to a new transfer as `resume`): present when the response can be resumed
   * (see `TransferOptions.resume`), with `offset` equal to `loaded`.
   */
  readonly resume?: ResumeState;
}

/**
 * An attempt failed and the retry policy lets another go (see `TransferOptions.retry`): the next
 * `start` follows after `delay`, and, in a browser that reports itself offline, once it is online again.
 */
export interface RetryEvent extends EventBase {
  readonly type: 'retry';
  /** The `attempt` of the `start` that follows. */
  readonly attempt: number;
  /**
   * Milliseconds until it: the server's `Retry-After` (or rate-limit reset), capped by
   * `retry.maxRetryAfter`, or else the backoff with its jitter.
   */
  readonly delay: number;
  /**
   * Where `delay` came from: the response's `Retry-After`, the backoff, or an event stream's
   * `retry:` field (`responseType: 'sse'`, its reconnection time).
   */
  readonly delaySource: 'retry-after' | 'backoff' | 'retry-field';
  /**
   * Why the attempt failed: what the exchange would have ended with. `undefined` when a `live`
   * event stream was closed normally by the server and reconnects.
   */
  readonly error: unknown;
  /** The browser reported itself offline: the next attempt also waits for its `online` event. */
  readonly offline: boolean;
  /**
   * The byte a download resumes from in the next attempt (a `Range` request): its progress goes on
   * from there. `undefined` when the next attempt starts from 0.
   */
  readonly resumeFrom: number | undefined;
}

/**
 * One message of a message stream (`responseType: 'lines'`, `'ndjson'` or `'sse'`), delivered as
 * soon as its last byte has been read: the messages a chunk completes come before that chunk's
 * `download-progress`, so a progress figure counts the bytes of every message before it.
 */
export interface StreamMessageEvent<M = unknown> extends EventBase {
  readonly type: 'message';
  /**
   * The message: for `'lines'` the line as a string (without its `\n` or `\r\n`); for `'ndjson'`
   * the line's JSON value, typed by the caller (`transfer<LogLine>({ url, responseType: 'ndjson' })`);
   * for `'sse'` a {@link ServerSentEvent}.
   */
  readonly message: M;
  /** The line's number (from 1) in this attempt's response for `'lines'` and `'ndjson'`; `undefined` for `'sse'`. */
  readonly line: number | undefined;
}

/** Times (as in {@link StartEvent.time}) at which each stage was reached, in the attempt that completed. */
export interface StageTimings {
  readonly start: number;
  /** Absent when the request had no body, or the response began before the body had gone. */
  readonly sent?: number;
  readonly headers: number;
  readonly complete: number;
}

/**
 * The exchange finished: the body is in the shape that was asked for. A message stream completes
 * when its response ends (an event stream: when the server closes it, unless it is `live`, or
 * answers 204).
 */
export interface CompleteEvent<T> extends EventBase {
  readonly type: 'complete';
  /**
   * The response body as asked for by `responseType`; `undefined` for `'none'`, a `sink`, and the
   * message streams (`'lines'`, `'ndjson'`, `'sse'`), whose body went out as `message` events.
   */
  readonly body: T;
  readonly status: number;
  readonly headers: Headers;
  /** The first `keepBytes` bytes of the body, when `keepBytes` was set. */
  readonly prefix?: Uint8Array;
  /** Request body bytes sent (0 without a body). */
  readonly uploaded: number;
  /** Decoded response body bytes read (0 for `responseType: 'stream'`, whose body is the caller's). */
  readonly downloaded: number;
  readonly timings: StageTimings;
}

/**
 * Every lifecycle event of one exchange, discriminated by `type`.
 *
 * The order is fixed, and tests enforce it:
 *
 * ```text
 * (start, upload-progress*, sent?, (headers, (message | download-progress)*)?, retry)*,
 *  start, upload-progress*, sent?, headers, (message | download-progress)*, complete
 * ```
 *
 * - `upload-progress` and `sent` appear only when the request has a body. `sent` is left out
 *   when the server answered before the body was fully sent (the upload progress then stops
 *   where it was).
 * - When the server answers a streamed body with a redirect or 411 Length Required without
 *   taking it, the body goes once more, whole: attempt 1's `start, upload-progress*, sent?` are
 *   followed by attempt 2's `start` (another `transport`) and its own `upload-progress*, sent`,
 *   counted from 0, then `headers, …`.
 * - An attempt that fails where the retry policy allows another is followed by `retry` and a new
 *   `start` (see `TransferOptions.retry`). Each attempt's progress counts from 0: within an
 *   attempt, `loaded` never decreases. Nothing that a server may have seen is sent again unless the
 *   policy says so (by default only the idempotent methods go again).
 * - Within one attempt's upload, and within its download, `loaded` never decreases; when the total is known, the last progress
 *   event equals it, and a 100% event is reported exactly once. A body that runs past its
 *   total fails with an `OverlongBodyError` before any figure above it.
 * - `message` comes only for a message stream (`responseType: 'lines'`, `'ndjson'` or `'sse'`),
 *   between its attempt's `headers` and the next `retry` or `complete`, in the order of the body. The
 *   messages a chunk completes come before that chunk's `download-progress`; progress sampling
 *   lets messages pass without flushing a held-back figure, so a figure may come after messages
 *   whose bytes it counts, never before. An event stream (`'sse'`) reconnects as the retry policy
 *   says, with `retry` (its `error` is `undefined` after a normal close of a `live` stream) and a
 *   new `start`: a stream that is not `live` completes when the server closes it; a `live` one
 *   completes only on a 204 and otherwise runs until unsubscribed, an error, or the `total` limit.
 * - Any event may instead be followed by an error (a {@link TransferError} subclass) on the
 *   observable's error channel; nothing follows `complete` or an error.
 *
 * @typeParam T - the body `complete` carries
 * @typeParam M - the message type of a message stream (see {@link StreamMessageEvent})
 * @example
 * ```ts
 * import { transfer } from 'rx-transfer';
 * transfer({ url: '/upload', method: 'POST', body: file }).subscribe((event) => {
 *   if (event.type === 'upload-progress') bar.value = event.percent ?? 0;
 * });
 * ```
 */
export type TransferEvent<T = unknown, M = unknown> =
  | StartEvent
  | UploadProgressEvent
  | SentEvent
  | HeadersEvent
  | DownloadProgressEvent
  | StreamMessageEvent<M>
  | RetryEvent
  | CompleteEvent<T>;

/** The `type` strings of {@link TransferEvent}, in lifecycle order (`message` among the download's). */
export type TransferEventType = TransferEvent['type'];

/** The progress events, the only ones progress sampling may thin out. */
export type ProgressEvent = UploadProgressEvent | DownloadProgressEvent;
