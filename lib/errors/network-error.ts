import type { ResumeState } from '../policies/resume.js';
/**
 * The connection failed: no response (DNS failure, connection refused or dropped, a body cut off
 * without a length to tell). `request` is the request as sent (without its body); `cause` is the
 * platform's error. The same shape and `name` as ky's `NetworkError`, so ky's `isNetworkError` and
 * `isKyError` recognize it too; it is rx-transfer's own class so that an app that never uses ky's
 * features does not load ky (whose entry module builds its default instance when loaded).
 */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  readonly request: Request;
  /**
   * Why the retry policy did not retry this failure, when it could have been asked (retries on, and
   * not an abort): for example "the retry limit (2) was reached".
   */
  declare notRetried?: string;
  /**
   * Where the download can go on from, when the exchange failed part-way through a response that
   * can be resumed: store it and hand it to a new transfer as `resume`.
   */
  declare resume?: ResumeState;

  constructor(request: Request, options?: ErrorOptions) {
    super(`Request failed due to a network error: ${request.method} ${request.url}`, options);
    this.request = request;
  }

  /** As ky's errors say, for ky's `isKyError`. */
  get isKyError(): true {
    return true;
  }
}

/**
 * Whether `error` is a {@link NetworkError}, from rx-transfer or ky; matches by `name` across realms.
 *
 * @example
 * ```ts
 * import { isNetworkError } from 'rx-transfer';
 * if (isNetworkError(error)) console.log('offline?', error.cause);
 * ```
 */
export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError || (error as { name?: unknown } | null)?.name === 'NetworkError';
}
