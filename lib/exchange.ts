import ky, { NetworkError, type NormalizedOptions } from 'ky';
import { now } from './clock.js';
import { countedStream } from './counted-stream.js';
import { InvalidTransferOptionError, ResponseParseError, TruncatedBodyError } from './errors.js';
import type { TransferEvent } from './events.js';
import { httpErrorFor } from './http-error.js';
import { kyOptionsFor } from './ky-options.js';
import type { TransferOptions } from './options.js';
import { createProgressMeter } from './progress-meter.js';
import { BodyReadError, readBody } from './read-body.js';
import { type PreparedBody, prepareBody } from './request-body.js';
import { responseTotal } from './response-total.js';
import { selectTransport, type Transport } from './transport.js';
import { createUploadTracker, type UploadTracker } from './upload-tracker.js';
import { methodOf } from './validate-options.js';

const DEFAULT_CHUNK_SIZE = 64 * 1024;
const DEFAULT_MAX_ERROR_BODY = 64 * 1024;

type Emit = (event: TransferEvent<unknown>) => void;

/**
 * Runs one exchange to its end, emitting its lifecycle events in order, and resolves after
 * `complete` or rejects with the failure. Aborting `signal` aborts everything under way,
 * including a body read. Options are assumed valid ({@link validateOptions}).
 */
export async function runExchange(options: TransferOptions, emit: Emit, signal: AbortSignal): Promise<void> {
  const method = methodOf(options);
  const body = await prepareBody(options.body, options.json, { method, url: String(options.url) });
  const transport = selectTransport(body);
  const started = startOnce(emit, transport);
  const upload = body === undefined ? undefined : createUploadTracker(body.total, emit);
  let request: Request | undefined;
  let normalized: Readonly<NormalizedOptions> = Object.freeze({}) as NormalizedOptions;
  const response = await (options.ky ?? ky)(
    options.url,
    kyOptionsFor(options, {
      method,
      body: requestBodyFor(body, transport, upload, options, signal),
      contentType: body?.contentType,
      signal,
      fetch: (input, init) => {
        const sent = input instanceof Request ? input : new Request(input, init);
        request = sent;
        started(sent.method, sent.url);
        return transport.fetch(sent, init);
      },
      onOptions: (value) => {
        normalized = value;
      },
    }),
  ).catch((error: unknown) => {
    throw upload?.failure() ?? error;
  });
  const start = started(method, response.url);
  const failed = request ?? new Request(response.url || String(options.url), { method });
  upload?.atHeaders(!transport.streamsBody);
  const headersAt = now();
  emit({
    type: 'headers',
    time: headersAt,
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    url: response.url,
    redirected: response.redirected,
  });
  if (!response.ok && response.type !== 'opaque') {
    throw await httpErrorFor(response, failed, normalized, options.maxErrorBodyBytes ?? DEFAULT_MAX_ERROR_BODY);
  }
  const complete = (bodyValue: unknown, downloaded: number, prefix: Uint8Array | undefined) => {
    const time = now();
    const sentAt = upload?.sentAt();
    emit({
      type: 'complete',
      time,
      body: bodyValue,
      status: response.status,
      headers: response.headers,
      ...(prefix === undefined ? {} : { prefix }),
      uploaded: upload?.sent() ?? 0,
      downloaded,
      timings: { start, ...(sentAt === undefined ? {} : { sent: sentAt }), headers: headersAt, complete: time },
    });
  };
  const responseType = options.responseType ?? (options.sink === undefined ? 'json' : 'none');
  if (responseType === 'stream') return complete(response.body ?? emptyStream(), 0, undefined);
  const { total, source } = responseTotal(response.headers, options.sizeHintHeader);
  const meter = createProgressMeter(total, headersAt);
  const result = await readBody(response.body, {
    responseType,
    sink: options.sink,
    keepBytes: options.keepBytes ?? 0,
    onProgress: (loaded) => {
      const time = now();
      emit({ type: 'download-progress', time, totalSource: source, ...meter(loaded, time) });
    },
  }).catch((error: unknown) => {
    throw error instanceof BodyReadError ? readFailure(error, total, failed) : error;
  });
  if (total !== undefined && result.loaded < total)
    throw new TruncatedBodyError(method, failed.url, total, result.loaded);
  const value = responseType === 'json' ? parseJson(result.body as string, method, failed.url) : result.body;
  complete(value, result.loaded, result.prefix);
}

/** Emits `start` the first time it is called; returns the start time. */
function startOnce(emit: Emit, transport: Transport) {
  let startedAt: number | undefined;
  return (method: string, url: string): number => {
    if (startedAt === undefined) {
      startedAt = now();
      emit({ type: 'start', time: startedAt, attempt: 1, method, url, transport: transport.name });
    }
    return startedAt;
  };
}

function requestBodyFor(
  body: PreparedBody | undefined,
  transport: Transport,
  upload: UploadTracker | undefined,
  options: TransferOptions,
  signal: AbortSignal,
): BodyInit | undefined {
  if (body === undefined || upload === undefined) return undefined;
  if (transport.streamsBody) {
    const chunks = body.chunks(options.uploadChunkSize ?? DEFAULT_CHUNK_SIZE);
    return countedStream(chunks, upload.onSent, upload.onEnd, upload.onError, signal);
  }
  if (body.whole === undefined) {
    throw new InvalidTransferOptionError(
      'body',
      'a ReadableStream body needs streamed request bodies, which this platform lacks; send a Blob, ArrayBuffer or string',
      methodOf(options),
      String(options.url),
    );
  }
  return body.whole as BodyInit;
}

function readFailure(error: BodyReadError, total: number | undefined, request: Request): Error {
  if (total !== undefined && error.loaded < total) {
    return new TruncatedBodyError(request.method, request.url, total, error.loaded, error.cause);
  }
  return new NetworkError(request, { cause: error.cause as Error });
}

function parseJson(text: string, method: string, url: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResponseParseError(method, url, text.slice(0, DEFAULT_MAX_ERROR_BODY), error);
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
