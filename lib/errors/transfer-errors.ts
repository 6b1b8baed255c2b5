import type { ResumeState } from '../policies/resume.js';
import type { LineTooLongError, MessageParseError } from './message-errors.js';
/** The names of rx-transfer's own error classes (ky's `HTTPError` and `NetworkError` are reused as they are). */
export type TransferErrorName =
  | 'TransferAbortError'
  | 'TruncatedBodyError'
  | 'OverlongBodyError'
  | 'ResponseParseError'
  | 'InvalidTransferOptionError'
  | 'RedirectError'
  | 'TimeoutError'
  | 'ResumeError'
  | 'IntegrityError'
  | 'ResumableUploadError'
  | 'LineTooLongError'
  | 'MessageParseError';

/** Base of rx-transfer's own errors: the method and URL are in the message and on the error. */
export abstract class TransferError extends Error {
  abstract override readonly name: TransferErrorName;
  readonly method: string;
  readonly url: string;
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

  constructor(message: string, method: string, url: string, options?: ErrorOptions) {
    super(`${message}: ${method} ${url}`, options);
    this.method = method;
    this.url = url;
  }
}

/** The exchange was aborted through the caller's `signal`. `cause` is the signal's reason. */
export class TransferAbortError extends TransferError {
  override readonly name = 'TransferAbortError';
}

/** The body ended before the trustworthy total (Content-Length or size hint) was reached. */
export class TruncatedBodyError extends TransferError {
  override readonly name = 'TruncatedBodyError';
  readonly expected: number;
  readonly received: number;

  constructor(method: string, url: string, expected: number, received: number, cause?: unknown) {
    super(`Response body ended after ${received} of ${expected} bytes`, method, url, { cause });
    this.expected = expected;
    this.received = received;
  }
}

/**
 * The body ran past the total its response stated (the size hint, or Content-Length), so the
 * total was wrong: the read is stopped there, and no progress figure above the total is
 * reported. `received` is the count when the overrun was seen (the rest is not read).
 */
export class OverlongBodyError extends TransferError {
  override readonly name = 'OverlongBodyError';
  readonly expected: number;
  readonly received: number;

  constructor(method: string, url: string, expected: number, received: number, source: string) {
    super(`Response body ran past its stated ${source} of ${expected} bytes (${received} read)`, method, url);
    this.expected = expected;
    this.received = received;
  }
}

/** A `responseType: 'json'` body did not parse. `cause` is the parser's error; `text` the body (bounded). */
export class ResponseParseError extends TransferError {
  override readonly name = 'ResponseParseError';
  readonly text: string;

  constructor(method: string, url: string, text: string, cause: unknown) {
    super('Response body is not valid JSON', method, url, { cause });
    this.text = text;
  }
}

/** An option was invalid; raised before any network traffic. `option` names it. */
export class InvalidTransferOptionError extends TransferError {
  override readonly name = 'InvalidTransferOptionError';
  readonly option: string;

  constructor(option: string, problem: string, method: string, url: string, options?: ErrorOptions) {
    super(`Invalid option \`${option}\`: ${problem}`, method, url, options);
    this.option = option;
  }
}

/**
 * The server answered a streamed `ReadableStream` body with a redirect, which it cannot follow: its
 * bytes are gone (a re-readable body is re-sent whole and follows it, as fetch does). `status` and
 * `location` are what the platform shows: in browsers the redirect is opaque (status 0, no location).
 */
export class RedirectError extends TransferError {
  override readonly name = 'RedirectError';
  readonly status: number;
  readonly location: string | undefined;

  constructor(method: string, url: string, status: number, location: string | undefined) {
    const where = location === undefined ? '' : ` to ${location}`;
    super(
      `The server redirected (${status || 'opaque'})${where}, which a ReadableStream body cannot follow`,
      method,
      url,
    );
    this.status = status;
    this.location = location;
  }
}

/**
 * A download could not go on where it stopped, and nothing wrong was kept: the answer to its Range
 * request could not be appended (a 206 at another offset, of another length or validator, encoded,
 * or multipart; a 416 though bytes remain), or the whole body came again (a 200) into a sink that
 * cannot be truncated.
 * `reason` says which; `offset` is where it was to go on; `status` the answer's status.
 */
export class ResumeError extends TransferError {
  override readonly name = 'ResumeError';
  readonly reason: string;
  readonly offset: number;
  readonly status: number;

  constructor(method: string, url: string, reason: string, offset: number, status: number) {
    super(`The download cannot go on from byte ${offset}: ${reason}`, method, url);
    this.reason = reason;
    this.offset = offset;
    this.status = status;
  }
}

/**
 * The body did not match the digest its response stated (`Repr-Digest` or `Content-Digest`, RFC
 * 9530), or `digest: 'require'` found none it could check. Nothing was handed over: a sink is
 * aborted. `algorithm`, `expected` and `actual` (base64) are `undefined` when there was no digest.
 */
export class IntegrityError extends TransferError {
  override readonly name = 'IntegrityError';
  readonly algorithm: string | undefined;
  readonly expected: string | undefined;
  readonly actual: string | undefined;

  constructor(
    method: string,
    url: string,
    problem: string,
    stated?: { algorithm: string; value: string },
    actual?: string,
  ) {
    super(problem, method, url);
    this.algorithm = stated?.algorithm;
    this.expected = stated?.value;
    this.actual = actual;
  }
}

/** The phase whose limit ran out; see {@link TimeoutLimits}. */
export type TimeoutPhase = 'total' | 'headers' | 'upload' | 'download';

/**
 * A limit of the `timeout` option ran out; the request was aborted (an upload ends in error, never
 * cleanly) and a sink aborted. `phase` names the limit, `limit` its milliseconds, `uploaded` and
 * `downloaded` the bytes counted by then.
 */
export class TimeoutError extends TransferError {
  override readonly name = 'TimeoutError';
  readonly phase: TimeoutPhase;
  readonly limit: number;
  readonly uploaded: number;
  readonly downloaded: number;

  constructor(method: string, url: string, phase: TimeoutPhase, limit: number, moved: { up: number; down: number }) {
    super(`The ${phase} limit of ${limit} ms ran out`, method, url);
    this.phase = phase;
    this.limit = limit;
    this.uploaded = moved.up;
    this.downloaded = moved.down;
  }
}

/**
 * Whether `error` is one of rx-transfer's errors, optionally of the given name. Matches by
 * `name`, so it also works for errors from another realm (an iframe, a worker).
 *
 * @example
 * ```ts
 * import { isTransferError } from 'rx-transfer';
 * if (isTransferError(error, 'TruncatedBodyError')) console.log(error.received);
 * ```
 */
export function isTransferError<N extends TransferErrorName = TransferErrorName>(
  error: unknown,
  name?: N,
): error is Extract<
  | TransferAbortError
  | TruncatedBodyError
  | OverlongBodyError
  | ResponseParseError
  | InvalidTransferOptionError
  | RedirectError
  | TimeoutError
  | ResumeError
  | IntegrityError
  | LineTooLongError
  | MessageParseError,
  { name: N }
> {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) return false;
  const actual = (error as { name?: unknown }).name;
  return name === undefined ? knownNames.includes(actual as TransferErrorName) : actual === name;
}

const knownNames: readonly TransferErrorName[] = [
  'TransferAbortError',
  'TruncatedBodyError',
  'OverlongBodyError',
  'ResponseParseError',
  'InvalidTransferOptionError',
  'RedirectError',
  'TimeoutError',
  'ResumeError',
  'IntegrityError',
  'ResumableUploadError',
  'LineTooLongError',
  'MessageParseError',
];
