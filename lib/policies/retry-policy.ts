/**
 * The `retry` option: when a failed attempt goes again, and how long it waits first. Every field
 * is optional; a number is `{ limit }`; `false` (or `0`) never retries.
 */
export interface RetryPolicy {
  /** Most retries after the first attempt. @default 2 */
  limit?: number | undefined;
  /**
   * Methods retried after the server may have seen the request. Any method goes again when nothing
   * reached the server (a connection refused or a name not found, as Node reports it; browsers
   * do not say, so there only these go again).
   * @default ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'] (the idempotent ones, RFC 9110)
   */
  methods?: readonly string[] | undefined;
  /**
   * Statuses retried. 413 and 429 only when the response says when (`Retry-After` or a rate-limit
   * reset header): without it, the same request would meet the same answer.
   * @default [408, 413, 429, 500, 502, 503, 504]
   */
  statusCodes?: readonly number[] | undefined;
  /** Whether a phase limit that ran out (`headers`, `upload`, `download`) is retried; `total` never is. @default true */
  timeouts?: boolean | undefined;
  /**
   * The backoff: retry `n` (from 1) waits a random time between 0 and
   * `min(maxDelay, delay * 2 ** (n - 1))` ("full jitter": clients that failed together do not
   * come back together).
   * @default 1000
   */
  delay?: number | undefined;
  /** The most the backoff waits. @default 30000 */
  maxDelay?: number | undefined;
  /**
   * The most a server's `Retry-After` (seconds or an HTTP date) or rate-limit reset
   * (`RateLimit-Reset`, `X-RateLimit-Retry-After`, `X-RateLimit-Reset`, `X-Rate-Limit-Reset`, as ky
   * reads them) is waited: a longer wait is cut to this.
   * @default 60000
   */
  maxRetryAfter?: number | undefined;
  /**
   * Decides first, for a failure the policy could retry at all (not an abort, the `total` limit,
   * the `limit` reached, or a body that cannot be sent again): `true` retries, even a method that
   * is not in `methods` (the caller says the server may see it twice); `false` does not;
   * `undefined` leaves it to the rules above. `attempt` is the attempt that failed, from 1.
   */
  shouldRetry?:
    | ((error: unknown, attempt: number) => boolean | undefined | PromiseLike<boolean | undefined>)
    | undefined;
}

/** The policy with every default filled in. */
export type RetryRules = {
  readonly [K in Exclude<keyof RetryPolicy, 'shouldRetry'>]-?: NonNullable<RetryPolicy[K]>;
} & Pick<RetryPolicy, 'shouldRetry'>;

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY: RetryRules = {
  limit: 2,
  methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'],
  statusCodes: [408, 413, 429, 500, 502, 503, 504],
  timeouts: true,
  delay: 1000,
  maxDelay: 30_000,
  maxRetryAfter: 60_000,
};

/** The rules of a `retry` option, defaults filled in. */
export function retryRules(retry: RetryPolicy | number | false | undefined): RetryRules {
  if (retry === false) return { ...DEFAULT_RETRY, limit: 0 };
  if (typeof retry === 'number') return { ...DEFAULT_RETRY, limit: retry };
  const rules = { ...DEFAULT_RETRY };
  for (const key in retry) {
    const value = retry[key as keyof RetryPolicy];
    if (value !== undefined) (rules as Record<string, unknown>)[key] = value;
  }
  return rules;
}
