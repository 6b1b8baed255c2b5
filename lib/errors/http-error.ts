import type { NormalizedOptions } from 'ky';
import type { ResumeState } from '../policies/resume.js';

/**
 * A response with a non-2xx status. `response` carries the status and headers (its body has been
 * read: use `data`), `request` the request as sent (without its body), `data` the body's text up to
 * `maxErrorBodyBytes`. The same shape and `name` as ky's `HTTPError`, so ky's `isHTTPError` and
 * `isKyError` recognize it too; it is rx-transfer's own class so that an app that never uses ky's
 * features does not load ky.
 *
 * @typeParam T - the type of `data` (a string here)
 */
export class HTTPError<T = unknown> extends Error {
  override readonly name = 'HTTPError';
  readonly response: Response;
  readonly request: Request;
  readonly options: Readonly<NormalizedOptions>;
  data: T | undefined;
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

  constructor(response: Response, request: Request, options: Readonly<NormalizedOptions>) {
    const status = `${response.status} ${response.statusText ?? ''}`.trim();
    super(`Request failed with status code ${status}: ${request.method} ${request.url}`);
    this.response = response;
    this.request = request;
    this.options = options;
  }

  /** As ky's errors say, for ky's `isKyError`. */
  get isKyError(): true {
    return true;
  }
}

/**
 * Whether `error` is an {@link HTTPError}, from rx-transfer or ky; matches by `name` across realms.
 *
 * @example
 * ```ts
 * import { isHTTPError } from 'rx-transfer';
 * if (isHTTPError(error)) console.log(error.response.status, error.data);
 * ```
 */
export function isHTTPError<T = unknown>(error: unknown): error is HTTPError<T> {
  return error instanceof HTTPError || (error as { name?: unknown } | null)?.name === 'HTTPError';
}

/**
 * ky's `HTTPError` for a non-2xx response, with `data` set to the body's text, read up to
 * `maxBytes` (the rest is cancelled, never downloaded). Status and headers are on `response`.
 */
export async function httpErrorFor(
  response: Response,
  request: Request,
  options: Readonly<NormalizedOptions>,
  maxBytes: number,
): Promise<HTTPError<string>> {
  const error = new HTTPError<string>(response, request, options);
  error.data = await readTextPrefix(response.body, maxBytes);
  return error;
}

async function readTextPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (body === null) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  try {
    while (read < maxBytes) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      const kept = value.subarray(0, maxBytes - read);
      read += kept.byteLength;
      text += decoder.decode(kept, { stream: true });
    }
    return text + decoder.decode();
  } catch {
    return text + decoder.decode();
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
