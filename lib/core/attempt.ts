import type { NormalizedOptions } from 'ky';
import type { PreparedBody } from '../bodies/request-body.js';
import { NetworkError } from '../errors/network-error.js';
import { InvalidTransferOptionError } from '../errors/transfer-errors.js';
import type { UploadTracker } from '../progress/upload-tracker.js';
import { needsKy, type RequestParts, requestInit } from '../transports/ky-options.js';
import { type FetchFunction, inBrowser, type TransportName } from '../transports/transport.js';
import { now } from './clock.js';
import type { TransferEvent } from './events.js';
import type { TransferOptions } from './options.js';

/** One attempt to send the request, over one transport. */
export interface AttemptPlan {
  readonly options: TransferOptions;
  /** The absolute URL, `prefix` and `baseUrl` applied (search params are ky's). */
  readonly url: URL;
  readonly method: string;
  readonly body: PreparedBody | undefined;
  readonly transport: TransportName;
  readonly upload: UploadTracker | undefined;
  readonly attempt: number;
  readonly emit: (event: TransferEvent<never>) => void;
  readonly signal: AbortSignal;
  /** The counted body stream, on the `fetch-stream` transport. */
  readonly stream: ReadableStream<Uint8Array> | undefined;
}

/** What an attempt that got a response leaves for the rest of the exchange. */
export interface SentAttempt {
  readonly response: Response;
  /** The method and absolute URL as sent (as in the `start` event). */
  readonly method: string;
  readonly url: string;
  /**
   * The `Request` as sent, for errors that carry one (ky's `HTTPError` and `NetworkError`): ky's
   * own on the ky path; on the direct path built only when asked for, without its body.
   */
  readonly request: () => Request;
  readonly kyOptions: Readonly<NormalizedOptions>;
  readonly startedAt: number;
}

/**
 * Sends the request over the planned transport, through ky when the options need it (see
 * {@link needsKy}), else straight to the transport with the URL and a `RequestInit` (no
 * `Request` of its own: building one costs Node's fetch about 7 µs a request, BENCHMARKS.md);
 * emits `start` as it leaves.
 */
export async function sendAttempt(plan: AttemptPlan): Promise<SentAttempt> {
  const { options, method, signal } = plan;
  const carrier = carrierFor(plan);
  const parts: RequestParts = {
    method,
    body: carrier.body,
    contentType: plan.body?.contentType,
    contentLength: lengthToState(plan),
  };
  let startedAt = 0;
  const start = (url: string) => {
    startedAt = now();
    const { attempt, transport } = plan;
    plan.emit({ type: 'start', time: startedAt, attempt, method, url, transport });
  };
  if (!needsKy(options)) {
    const init = withoutUnsetHeaders(requestInit(options, parts));
    const url = plan.url.href;
    // The body is left out: it is gone (or locked) once sent, and no error needs it.
    const request = () => {
      const { body, ...bare } = init;
      return new Request(url, bare);
    };
    start(url);
    try {
      const response = await carrier.fetch(url, { ...init, signal });
      return { response, method, url, request, kyOptions: init as NormalizedOptions, startedAt };
    } catch (error) {
      throw plan.upload?.failure() ?? directFailure(error, plan, request);
    }
  }
  // ky, and the code that drives it, are loaded only here: an app that never asks for ky's features does not pay for them.
  return (await import('../transports/send-through-ky.js')).sendThroughKy(
    plan,
    carrier.fetch,
    parts,
    start,
    () => startedAt,
  );
}

/**
 * What a direct fetch's failure means. fetch fails with a `TypeError` both when the network
 * does and when it refuses an option (a malformed header name, an unknown `mode`): building the
 * `Request` again tells them apart, and the option is named. Aborts keep the signal's reason.
 */
function directFailure(error: unknown, plan: AttemptPlan, request: () => Request): unknown {
  if (!(error instanceof TypeError) || plan.signal.aborted) return error;
  try {
    return new NetworkError(request(), { cause: error });
  } catch (cause) {
    return refusal(plan, refusedOption(plan) ?? 'options', cause);
  }
}

/** The option that fetch refuses on its own (each is tried alone), if one is. */
export function refusedOption(plan: AttemptPlan): string | undefined {
  const init = requestInit(plan.options, { method: plan.method, body: undefined, contentType: undefined });
  return Object.keys(init).find((key) => !accepts(plan.url, { [key]: init[key as keyof RequestInit] }));
}

export function refusal(plan: AttemptPlan, option: string, cause: unknown): InvalidTransferOptionError {
  return new InvalidTransferOptionError(option, (cause as Error).message, plan.method, plan.url.href, { cause });
}

function accepts(url: URL, init: RequestInit): boolean {
  try {
    new Request(url, init);
    return true;
  } catch {
    return false;
  }
}

/** Without ky there are no default headers for an `undefined` entry to unset: it is dropped, as ky would. */
function withoutUnsetHeaders(init: RequestInit): RequestInit {
  const { headers } = init;
  if (headers === undefined || headers instanceof Headers || Array.isArray(headers)) return init;
  return { ...init, headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) };
}

/** What ky is handed as the body, and the fetch that carries the request. */
function carrierFor(plan: AttemptPlan): { body: BodyInit | undefined; fetch: FetchFunction } {
  const { body, upload, transport } = plan;
  if (body === undefined || upload === undefined) return bodiless;
  if (plan.stream !== undefined) return { body: plan.stream, fetch: callFetch };
  // XHR takes the body itself: handing it to ky would copy it into a Request never sent.
  if (transport === 'xhr') {
    // Loaded on first use, with the ky path's chunk mechanism: most uploads stream or go whole, and
    // an app should not carry XHR for the few that need it (one round trip, once per page).
    const whole = body.whole as XMLHttpRequestBodyInit;
    const fetch: FetchFunction = async (input, init) =>
      (await import('../transports/xhr-fetch.js')).xhrFetch(whole, upload)(input, init);
    return { body: undefined, fetch };
  }
  return { body: body.whole as BodyInit, fetch: callFetch };
}

/**
 * The Content-Length a streamed body of known size states outside browsers: Node's fetch sends a
 * `ReadableStream` chunked unless told its length, and endpoints that need one (S3 presigned PUT,
 * MinIO) refuse chunked bodies. Browsers forbid the header and send none on a stream.
 */
function lengthToState({ stream, body }: AttemptPlan): number | undefined {
  return stream === undefined || inBrowser ? undefined : body?.total;
}

const callFetch: FetchFunction = (input, init) => globalThis.fetch(input, init);
const bodiless = { body: undefined, fetch: callFetch };
