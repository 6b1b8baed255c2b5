import { isHTTPError } from '../errors/http-error.js';
import { isNetworkError } from '../errors/network-error.js';
import { isTransferError } from '../errors/transfer-errors.js';
import { retryAfter } from './retry-after.js';
import type { RetryRules } from './retry-policy.js';

/** What the policy knows of an attempt that failed. */
export interface FailedAttempt {
  readonly error: unknown;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** Retries so far. */
  readonly retries: number;
  readonly method: string;
  /** Why the request cannot be sent again whatever the policy says (a used stream, a written sink). */
  readonly unrepeatable: string | undefined;
  /** Milliseconds left before the `total` limit (`Infinity` without one). */
  readonly remaining: number;
}

/** Another attempt, after `delay` milliseconds. */
export interface RetryDecision {
  readonly delay: number;
  readonly delaySource: 'retry-after' | 'backoff' | 'retry-field';
  /** What the `retry` event gives as its `error`, when not the failure itself (a normal close of a live event stream). */
  readonly error?: undefined;
}

/** Node's codes for a connection that never opened: nothing of the request reached a server. */
const UNSENT = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
];

/**
 * Decides whether a failed attempt goes again: a {@link RetryDecision}, or why not (a sentence,
 * put on the error as `notRetried`). Retried: a network error, a truncated body, a phase limit run
 * out, and the statuses of `statusCodes`; for a method outside `methods` only when nothing reached
 * the server. The wait is the server's (`Retry-After`, a rate-limit reset), capped, or else the
 * backoff with full jitter; a wait past the `total` limit is not begun.
 */
export async function retryVerdict(
  failed: FailedAttempt,
  rules: RetryRules,
  random: () => number = Math.random,
): Promise<RetryDecision | string> {
  const { error, method, retries } = failed;
  if (retries >= rules.limit) return `the retry limit (${rules.limit}) was reached`;
  if (failed.unrepeatable !== undefined) return failed.unrepeatable;
  const serverWait = isHTTPError(error) ? retryAfter(error.response.headers) : undefined;
  let verdict = await rules.shouldRetry?.(error, failed.attempt);
  if (verdict === undefined) {
    const refusal = ruleRefusal(error, rules, serverWait);
    if (refusal !== undefined) return refusal;
    verdict = rules.methods.some((allowed) => allowed.toUpperCase() === method) || !reachedServer(error);
    if (!verdict) return `${method} is not retried once a server may have seen it: list it in \`retry.methods\``;
  }
  if (!verdict) return '`retry.shouldRetry` said no';
  const decision: RetryDecision =
    serverWait === undefined
      ? { delay: Math.round(random() * Math.min(rules.maxDelay, rules.delay * 2 ** retries)), delaySource: 'backoff' }
      : { delay: Math.min(serverWait, rules.maxRetryAfter), delaySource: 'retry-after' };
  return decision.delay < failed.remaining
    ? decision
    : `the wait of ${decision.delay} ms would pass the \`total\` limit (${Math.round(failed.remaining)} ms left)`;
}

/** Why the rules do not retry `error`, or `undefined` when they do. */
function ruleRefusal(error: unknown, rules: RetryRules, serverWait: number | undefined): string | undefined {
  if (isHTTPError(error)) {
    const { status } = error.response;
    if (!rules.statusCodes.includes(status)) return `status ${status} is not in \`retry.statusCodes\``;
    if ((status === 413 || status === 429) && serverWait === undefined)
      return `a ${status} without Retry-After is not retried`;
    return undefined;
  }
  if (isTransferError(error, 'TimeoutError')) {
    if (error.phase === 'total') return 'the `total` limit ran out';
    return rules.timeouts ? undefined : 'timeouts are not retried (`retry.timeouts` is false)';
  }
  if (isNetworkError(error) || isTransferError(error, 'TruncatedBodyError')) return undefined;
  return `a ${(error as Error | undefined)?.name ?? typeof error} is not retried (only network errors, phase timeouts and \`retry.statusCodes\`)`;
}

/** False only when the error shows that the connection never opened (Node's codes; browsers do not say). */
function reachedServer(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Object && depth < 5; depth++) {
    if (UNSENT.includes((cause as { code?: string }).code as string)) return false;
    cause = (cause as { cause?: unknown }).cause;
  }
  return true;
}
