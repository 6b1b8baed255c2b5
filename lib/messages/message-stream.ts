import type { KyPassThroughOptions, TransferOptions } from '../core/options.js';
import type { RetryRules } from '../policies/retry-policy.js';
import { type FailedAttempt, type RetryDecision, retryVerdict } from '../policies/retry-verdict.js';

/** One exchange's message stream across its attempts: what a reconnect sends, and when it goes. */
export interface MessageStream {
  /** The event stream's last event ID (`''` for none), sent as `Last-Event-ID` when it reconnects. */
  lastEventId: string;
  /** The server's reconnection time (an event stream's `retry:` field), in milliseconds. */
  reconnectionTime: number | undefined;
  /** Messages delivered since the last failed attempt. */
  delivered: number;
  /** The request headers of the next attempt: the caller's, with the last event ID when there is one. */
  readonly headers: (headers: KyPassThroughOptions['headers']) => KyPassThroughOptions['headers'];
  /**
   * Whether and when a failed attempt goes again (see {@link createMessageStream}); `undefined` when
   * the policy is not asked (retries off). {@link StreamClosed} is the failure of a `live` stream
   * that the server closed normally.
   */
  readonly reconnect: (failed: FailedAttempt, rules: RetryRules) => Promise<RetryDecision | string | undefined>;
}

/** The end of a `live` event stream's response, which is a break, not its end: it reconnects. */
export class StreamClosed extends Error {
  constructor() {
    super('The server closed the live event stream');
  }
}

/**
 * The message stream of one exchange of `options`. How it goes again:
 * - a line stream (`'lines'`, `'ndjson'`) as any download, until it has delivered a message:
 *   another attempt would deliver its messages again;
 * - an event stream (`'sse'`) after a failure as the `retry` policy says (its `limit` counting the
 *   failures since the last message), waiting at least the server's `retry:` time; after a
 *   normal close of a `live` stream, always, after the server's `retry:` time or else the backoff
 *   (full jitter, growing while the closes bring no message).
 */
export function createMessageStream(options: TransferOptions): MessageStream {
  const events = options.responseType === 'sse';
  let failures = 0;
  let closes = 0;
  const stream: MessageStream = {
    lastEventId: '',
    reconnectionTime: undefined,
    delivered: 0,
    headers: (headers) => (stream.lastEventId === '' ? headers : withLastEventId(headers, stream.lastEventId)),
    async reconnect(failed, rules) {
      const progressed = stream.delivered > 0;
      stream.delivered = 0;
      if (progressed) failures = closes = 0;
      if (failed.error instanceof StreamClosed) return afterClose(stream.reconnectionTime, closes++, rules);
      if (rules.limit === 0) return undefined;
      if (!events && progressed) {
        return 'a line stream that delivered messages is not retried: another attempt would deliver them again';
      }
      const verdict = await retryVerdict({ ...failed, retries: failures }, rules);
      if (typeof verdict === 'string') return verdict;
      failures++;
      const time = stream.reconnectionTime;
      if (verdict.delaySource !== 'backoff' || time === undefined || time <= verdict.delay) return verdict;
      return time < failed.remaining
        ? { delay: time, delaySource: 'retry-field' }
        : `the server's reconnection time of ${time} ms would pass the \`total\` limit`;
    },
  };
  return stream;
}

/** The wait after a normal close of a live stream: the server's reconnection time, or the backoff. */
function afterClose(time: number | undefined, closes: number, rules: RetryRules): RetryDecision {
  if (time !== undefined) return { delay: time, delaySource: 'retry-field', error: undefined };
  const delay = Math.round(Math.random() * Math.min(rules.maxDelay, rules.delay * 2 ** closes));
  return { delay, delaySource: 'backoff', error: undefined };
}

/** `headers` with `Last-Event-ID` set to `id`, over one of the caller's (a stored ID sent on the first request). */
function withLastEventId(headers: KyPassThroughOptions['headers'], id: string): KyPassThroughOptions['headers'] {
  if (headers instanceof Headers || Array.isArray(headers)) {
    const merged = new Headers(headers);
    merged.set('last-event-id', id);
    return merged;
  }
  const others = Object.entries(headers ?? {}).filter(([name]) => name.toLowerCase() !== 'last-event-id');
  return { ...Object.fromEntries(others), 'last-event-id': id };
}
