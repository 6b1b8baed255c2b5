import ky, { NetworkError, type NormalizedOptions } from 'ky';
import { now } from './clock.js';
import { countedStream } from './counted-stream.js';
import { InvalidTransferOptionError } from './errors.js';
import type { TransferEvent } from './events.js';
import { kyOptionsFor, needsKy, type RequestParts, requestInit } from './ky-options.js';
import type { TransferOptions } from './options.js';
import type { PreparedBody } from './request-body.js';
import type { FetchFunction, TransportName } from './transport.js';
import { xhrFetch } from './transports/xhr-fetch.js';
import type { UploadTracker } from './upload-tracker.js';

const DEFAULT_CHUNK_SIZE = 64 * 1024;

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
}

/** What an attempt that got a response leaves for the rest of the exchange. */
export interface SentAttempt {
  readonly response: Response;
  readonly request: Request;
  readonly kyOptions: Readonly<NormalizedOptions>;
  readonly startedAt: number;
}

/**
 * Sends the request over the planned transport, through ky when the options need it (see
 * {@link needsKy}), else as a `Request` of its own; emits `start` as it leaves.
 */
export async function sendAttempt(plan: AttemptPlan): Promise<SentAttempt> {
  const { options, method } = plan;
  const carrier = carrierFor(plan);
  const parts: RequestParts = { method, body: carrier.body, contentType: plan.body?.contentType };
  const { signal } = plan;
  let request: Request | undefined;
  let startedAt = 0;
  const start = (sent: Request) => {
    request = sent;
    startedAt = now();
    const { attempt, transport } = plan;
    plan.emit({ type: 'start', time: startedAt, attempt, method: sent.method, url: sent.url, transport });
  };
  // The signal goes to fetch, not into the Request rx-transfer builds: there, Node's fetch would
  // tie a second signal to it (a listener, a WeakRef and a finalizer per request; BENCHMARKS.md).
  const send: FetchFunction = (input, init) => {
    start(input instanceof Request ? input : new Request(input, init));
    return carrier.fetch(request as Request, { ...init, signal });
  };
  try {
    if (!needsKy(options)) {
      const init = requestInit(options, parts);
      const response = await send(new Request(plan.url, withoutUnsetHeaders(init)));
      return { response, request: request as Request, kyOptions: init as NormalizedOptions, startedAt };
    }
    let kyOptions = Object.freeze({}) as Readonly<NormalizedOptions>;
    const response = await (options.ky ?? ky)(
      options.url,
      kyOptionsFor(options, { ...parts, signal }, send, (normalized) => {
        kyOptions = normalized;
      }),
    );
    // A beforeRequest hook may answer without any fetch.
    if (request === undefined) start(new Request(response.url || plan.url, { method }));
    return { response, request: request as unknown as Request, kyOptions, startedAt };
  } catch (error) {
    throw plan.upload?.failure() ?? networkError(error, request, signal);
  }
}

/** fetch fails with a `TypeError` when the network does (and with the signal's reason when aborted): ky's `NetworkError`. */
function networkError(error: unknown, request: Request | undefined, signal: AbortSignal): unknown {
  return error instanceof TypeError && request !== undefined && !signal.aborted
    ? new NetworkError(request, { cause: error })
    : error;
}

/** Without ky there are no default headers for an `undefined` entry to unset: it is dropped, as ky would. */
function withoutUnsetHeaders(init: RequestInit): RequestInit {
  const { headers } = init;
  if (headers === undefined || headers instanceof Headers || Array.isArray(headers)) return init;
  return { ...init, headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) };
}

/** What ky is handed as the body, and the fetch that carries the request. */
function carrierFor(plan: AttemptPlan): { body: BodyInit | undefined; fetch: FetchFunction } {
  const { body, upload, transport, options } = plan;
  if (body === undefined || upload === undefined) return { body: undefined, fetch: callFetch };
  if (transport === 'fetch-stream') {
    const chunks = body.chunks(options.uploadChunkSize ?? DEFAULT_CHUNK_SIZE);
    return { body: countedStream(chunks, upload.onSent, upload.onEnd, upload.onError, plan.signal), fetch: callFetch };
  }
  if (body.whole === undefined) throw streamBodyRefused(plan);
  // XHR takes the body itself: handing it to ky would copy it into a Request never sent.
  if (transport === 'xhr') return { body: undefined, fetch: xhrFetch(body.whole as XMLHttpRequestBodyInit, upload) };
  return { body: body.whole as BodyInit, fetch: callFetch };
}

/** The error for a `ReadableStream` body where it cannot be streamed. */
export function streamBodyRefused(plan: Pick<AttemptPlan, 'method' | 'options'>, cause?: unknown): Error {
  const problem =
    'a ReadableStream body needs streamed request bodies, which this platform or origin refuses ' +
    '(Chromium streams only over HTTP/2; Firefox and Safari not at all) and it cannot be re-sent; ' +
    'send a Blob, File, ArrayBuffer or string';
  return new InvalidTransferOptionError('body', problem, plan.method, String(plan.options.url), { cause });
}

const callFetch: FetchFunction = (input, init) => globalThis.fetch(input, init);
