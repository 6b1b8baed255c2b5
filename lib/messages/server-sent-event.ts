/**
 * One event of a Server-Sent Events stream (`responseType: 'sse'`), as the WHATWG event-stream rules
 * dispatch it: the fields of the browser's `MessageEvent` that an `EventSource` would fire.
 */
export interface ServerSentEvent {
  /** The `event:` field, or `'message'` when the event has none. */
  readonly event: string;
  /** The `data:` lines of the event, joined with `\n`. */
  readonly data: string;
  /**
   * The last event ID (`id:`) seen on the stream so far, across reconnects: what is sent as
   * `Last-Event-ID` when it reconnects. `''` when none has been seen (or an empty `id:` reset it).
   */
  readonly lastEventId: string;
}
