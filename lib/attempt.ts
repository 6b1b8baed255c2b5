import ky, { type NormalizedOptions } from 'ky';
import { now } from './clock.js';
import { countedStream } from './counted-stream.js';
import { InvalidTransferOptionError } from './errors.js';
import type { TransferEvent } from './events.js';
import { kyOptionsFor } from './ky-options.js';
import type { TransferOptions } from './options.js';
import type { PreparedBody } from './request-body.js';
import type { FetchFunction, TransportName } from './transport.js';
import { xhrFetch } from './transports/xhr-fetch.js';
import type { UploadTracker } from './upload-tracker.js';

const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** One attempt to send the request, over one transport. */
export interface AttemptPlan {
  readonly options: TransferOptions;
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

/** Sends the request through ky over the planned transport; emits `start` as it leaves. */
export async function sendAttempt(plan: AttemptPlan): Promise<SentAttempt> {
  const { options, method, upload, emit } = plan;
  let request: Request | undefined;
  let startedAt: number | undefined;
  let kyOptions = Object.freeze({}) as Readonly<NormalizedOptions>;
  const start = (sent: Request) => {
    request = sent;
    startedAt = now();
    emit({
      type: 'start',
      time: startedAt,
      attempt: plan.attempt,
      method: sent.method,
      url: sent.url,
      transport: plan.transport,
    });
  };
  const carrier = carrierFor(plan);
  const response = await (options.ky ?? ky)(
    options.url,
    kyOptionsFor(options, {
      method,
      body: carrier.body,
      contentType: plan.body?.contentType,
      signal: plan.signal,
      fetch: (input, init) => {
        const sent = input instanceof Request ? input : new Request(input, init);
        start(sent);
        return carrier.fetch(sent, init);
      },
      onOptions: (value) => {
        kyOptions = value;
      },
    }),
  ).catch((error: unknown) => {
    throw upload?.failure() ?? error;
  });
  // A beforeRequest hook may answer without any fetch.
  if (request === undefined || startedAt === undefined)
    start(new Request(response.url || String(options.url), { method }));
  return { response, request: request as Request, kyOptions, startedAt: startedAt as number };
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
