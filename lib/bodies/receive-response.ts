import type { SentAttempt } from '../core/attempt.js';
import { now } from '../core/clock.js';
import type { CompleteEvent, StageTimings, TotalSource, TransferEvent } from '../core/events.js';
import type { TransferOptions } from '../core/options.js';
import { httpErrorFor } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { OverlongBodyError, ResponseParseError, TruncatedBodyError } from '../errors/transfer-errors.js';
import { createProgressMeter } from '../progress/progress-meter.js';
import type { UploadTracker } from '../progress/upload-tracker.js';
import { BodyReadError, type BodyResult, readBody } from './read-body.js';
import { responseTotal } from './response-total.js';

const DEFAULT_MAX_ERROR_BODY = 64 * 1024;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The second half of an exchange: `headers`, then the body read with `download-progress`,
 * then `complete`; or the failure (HTTP status, truncation, dropped connection, bad JSON).
 */
export async function receiveResponse(
  sent: SentAttempt,
  upload: UploadTracker | undefined,
  options: TransferOptions,
  emit: (event: TransferEvent<unknown>) => void,
): Promise<void> {
  const { response, request, method, url } = sent;
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
    throw await httpErrorFor(response, request(), sent.kyOptions, options.maxErrorBodyBytes ?? DEFAULT_MAX_ERROR_BODY);
  }
  const complete = (body: unknown, downloaded: number, prefix: Uint8Array | undefined) => {
    const time = now();
    const sentAt = upload?.sentAt();
    // Optional fields are added only when present (no `undefined` keys), without spreading: this runs per request.
    const timings: Writable<StageTimings> = { start: sent.startedAt, headers: headersAt, complete: time };
    if (sentAt !== undefined) timings.sent = sentAt;
    const event: Writable<CompleteEvent<unknown>> = {
      type: 'complete',
      time,
      body,
      status: response.status,
      headers: response.headers,
      uploaded: upload?.sent() ?? 0,
      downloaded,
      timings,
    };
    if (prefix !== undefined) event.prefix = prefix;
    emit(event);
  };
  const responseType = options.responseType ?? (options.sink === undefined ? 'json' : 'none');
  if (responseType === 'stream') return complete(response.body ?? emptyStream(), 0, undefined);
  // A HEAD or 204 response has no body, whatever its Content-Length says.
  const bodyless = method === 'HEAD' || response.status === 204;
  const { total, source } = bodyless
    ? { total: undefined, source: undefined }
    : responseTotal(response.headers, options.sizeHintHeader);
  const meter = createProgressMeter(total);
  let result: BodyResult;
  try {
    result = await readBody(bodyless ? null : response.body, {
      responseType,
      sink: options.sink,
      keepBytes: options.keepBytes ?? 0,
      onProgress: (loaded) => {
        if (total !== undefined && loaded > total) throw overrun(sent, total, loaded, source, options.sizeHintHeader);
        const time = now();
        emit({ type: 'download-progress', time, totalSource: source, ...meter(loaded, time) });
      },
    });
  } catch (error) {
    throw error instanceof BodyReadError ? readFailure(error, total, sent) : error;
  }
  if (total !== undefined && result.loaded < total) {
    throw new TruncatedBodyError(method, url, total, result.loaded);
  }
  const body = responseType === 'json' ? parseJson(result.body as string, sent) : result.body;
  complete(body, result.loaded, result.prefix);
}

function readFailure(error: BodyReadError, total: number | undefined, sent: SentAttempt): Error {
  if (total !== undefined && error.loaded < total) {
    return new TruncatedBodyError(sent.method, sent.url, total, error.loaded, error.cause);
  }
  return new NetworkError(sent.request(), { cause: error.cause as Error });
}

/** The error for a body longer than the total its response stated. */
function overrun(
  { method, url }: SentAttempt,
  total: number,
  loaded: number,
  source: TotalSource | undefined,
  sizeHintHeader: string | undefined,
): OverlongBodyError {
  const stated = source === 'size-hint' ? `size hint \`${sizeHintHeader}\`` : 'Content-Length';
  return new OverlongBodyError(method, url, total, loaded, stated);
}

function parseJson(text: string, { method, url }: SentAttempt): unknown {
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
