import type { HeadersEvent, RetryEvent, SentEvent, UploadProgressEvent } from '../core/events.js';

/** Fields every event of a resumable upload carries. */
interface EventBase {
  /** Epoch milliseconds from a monotonic clock, as on every rx-transfer event. */
  readonly time: number;
}

/** An attempt at the upload begins: the first, or one after a `retry`. */
export interface ResumableStartEvent extends EventBase {
  readonly type: 'start';
  /** 1 for the first attempt; one more after each `retry`. */
  readonly attempt: number;
  /** The upload's URL when it is known (found in the store, or created), else the endpoint. */
  readonly url: string;
  readonly protocol: 'tus' | 'ietf';
}

/**
 * The server's offset is not what upload progress counted: it holds `offset` bytes, and the upload
 * goes on from there. `reason`: `'resumed'`, an upload found again (in the store, or after a
 * failure) holds more already; `'behind'`, the server holds less than progress counted (bytes that
 * were on their way when a connection dropped, a lost append, or a 409 naming the right offset):
 * progress goes back to `offset`, and this event is why; `'restarted'`, the upload was gone on the
 * server (404, 410) and starts again from 0.
 */
export interface OffsetEvent extends EventBase {
  readonly type: 'offset';
  readonly offset: number;
  /** What upload progress counted before: the acknowledged bytes and those on their way. */
  readonly previous: number;
  readonly reason: 'resumed' | 'behind' | 'restarted';
}

/** The upload is complete: every byte is on the server. */
export interface ResumableCompleteEvent extends EventBase {
  readonly type: 'complete';
  /** The upload's URL on the server. */
  readonly url: string;
  /** The status and headers of the request that completed it. */
  readonly status: number;
  readonly headers: Headers;
  /** Bytes of the upload (all of them, acknowledged). */
  readonly uploaded: number;
  /** Bytes this subscription sent that the server took (less than `uploaded` after a resume). */
  readonly sentNow: number;
}

/**
 * Every event of one resumable upload, in this order:
 *
 * ```text
 * (start, (offset | upload-progress)*, retry)*, start, (offset | upload-progress)*, sent, headers, complete
 * ```
 *
 * - `upload-progress` is the whole upload: the bytes the server has acknowledged plus those of the
 *   append in flight; `total` is the body's size (`undefined` for a stream). It goes back only
 *   with an `offset` event of reason `'behind'` or `'restarted'` before it.
 * - `sent` and `headers` belong to the request that completed the upload (its last append, or a
 *   creation that carried it all).
 * - Any event may instead be followed by an error; nothing follows `complete` or an error.
 */
export type ResumableEvent =
  | ResumableStartEvent
  | OffsetEvent
  | UploadProgressEvent
  | RetryEvent
  | SentEvent
  | HeadersEvent
  | ResumableCompleteEvent;
