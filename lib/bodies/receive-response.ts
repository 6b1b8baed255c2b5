import type { SentAttempt } from '../core/attempt.js';
import { now } from '../core/clock.js';
import type { CompleteEvent, DownloadProgressEvent, StageTimings, TotalSource, TransferEvent } from '../core/events.js';
import type { MessageType, ResponseType, TransferOptions } from '../core/options.js';
import { httpErrorFor } from '../errors/http-error.js';
import { ResponseParseError, ResumeError, TruncatedBodyError } from '../errors/transfer-errors.js';
import type { MessageStream } from '../messages/message-stream.js';
import { partialRefusal, type ResumePoint, resumePointOf, unsatisfiedLength } from '../policies/resume.js';
import { createProgressMeter } from '../progress/progress-meter.js';
import type { UploadTracker } from '../progress/upload-tracker.js';
import { statedHeader } from '../transports/ky-options.js';
import { overrun, readFailure } from './body-failures.js';
import { type CollectedBody, collectBody } from './collected-body.js';
import type { DigestCheck } from './digest-check.js';
import { BodyReadError } from './read-chunks.js';
import { responseTotal } from './response-total.js';

const DEFAULT_MAX_ERROR_BODY = 64 * 1024;
const ignore = () => undefined;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One exchange's response body across its attempts: where it is collected (none for
 * `responseType: 'stream'`), and where a failed download can go on from.
 */
export interface Download {
  readonly responseType: ResponseType;
  readonly body: CollectedBody | undefined;
  /** Set by a whole response that can be resumed (a GET without a Range of the caller's); see {@link resumePointOf}. */
  point: ResumePoint | undefined;
  /** Whether responses of this exchange may be resumed. */
  readonly resumable: boolean;
  /** The check of the whole body against its digest, with its hash so far (kept across a resume). */
  check: DigestCheck | undefined;
  /** A message stream's state across attempts, set by `lib/messages/` at its first headers. */
  messages?: MessageStream;
}

/** Whether a response type asks for a message stream: its body is parsed by `lib/messages/`, not collected. */
const isMessages = (responseType: ResponseType): responseType is MessageType =>
  responseType === 'lines' || responseType === 'ndjson' || responseType === 'sse';

/** The download state of one exchange of `options`, resumed from `options.resume` when given. */
export function startDownload(options: TransferOptions, method: string): Download {
  const responseType = options.responseType ?? (options.sink === undefined ? 'json' : 'none');
  const { resume } = options;
  const body =
    responseType === 'stream' || isMessages(responseType)
      ? undefined
      : collectBody({ responseType, sink: options.sink, keepBytes: options.keepBytes ?? 0 }, resume?.offset);
  // The parsers start loading with the request, not at its headers: the first message waits for no module, and
  // nothing queues meanwhile that a broken connection would discard. A failure to load shows at the headers.
  if (isMessages(responseType)) {
    import('../messages/receive-messages.js').then((messages) => messages.preload(responseType)).catch(ignore);
  }
  const resumable = body !== undefined && method === 'GET' && statedHeader(options.headers, 'range') === undefined;
  const point = resume && {
    url: resume.url,
    etag: resume.etag,
    lastModified: resume.lastModified,
    total: resume.total,
  };
  return { responseType, body, point, resumable, check: undefined };
}

/** The byte a next attempt of `download` asks for the rest from, when it can resume. */
export const resumeOffset = ({ body, point }: Download): number | undefined =>
  point !== undefined && body !== undefined && body.loaded() > 0 ? body.loaded() : undefined;

/**
 * The second half of an attempt: `headers`, then the body read with `download-progress`, then
 * `complete`; or the failure (HTTP status, truncation, dropped connection, bad JSON, a Range answer
 * that cannot be appended). An attempt that asked for the rest from `rangeFrom` appends a valid 206
 * to what `download` holds, continuing its count; a 200 empties it first (or fails, for a sink that
 * cannot be truncated); a 416 stating the length already held completes it, and any other 416 is a ResumeError.
 */
export async function receiveResponse(
  sent: SentAttempt,
  upload: UploadTracker | undefined,
  options: TransferOptions,
  emit: (event: TransferEvent<unknown>) => void,
  download: Download,
  rangeFrom: number | undefined,
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
  const { body, point } = download;
  const refuse = async (reason: string): Promise<never> => {
    await response.body?.cancel().catch(() => undefined);
    throw new ResumeError(method, url, reason, rangeFrom as number, response.status);
  };
  const finish = async () => {
    const result = await (body as CollectedBody).end();
    const parsed = download.responseType === 'json' ? parseJson(result.body as string, sent) : result.body;
    complete(parsed, result.loaded, result.prefix);
  };
  // The Range is the library's own: a 416 to it is a resume that cannot go on, never an HTTPError to the caller.
  if (rangeFrom !== undefined && response.status === 416) {
    const stated = unsatisfiedLength(response);
    if (stated !== rangeFrom || rangeFrom !== point?.total) {
      const range = response.headers.get('content-range');
      return refuse(`a 416 (Content-Range: ${range}) to a Range from byte ${rangeFrom} of ${point?.total}`);
    }
    await response.body?.cancel().catch(() => undefined);
    return finish();
  }
  if (!response.ok && response.type !== 'opaque') {
    throw await httpErrorFor(response, request(), sent.kyOptions, options.maxErrorBodyBytes ?? DEFAULT_MAX_ERROR_BODY);
  }
  if (isMessages(download.responseType)) {
    // The parsers load only now: an app that never asks for messages does not carry them.
    const { receiveMessages } = await import('../messages/receive-messages.js');
    return receiveMessages(sent, options, emit, download, (loaded) => complete(undefined, loaded, undefined));
  }
  if (body === undefined) return complete(response.body ?? emptyStream(), 0, undefined);
  let total: number | undefined;
  let source: TotalSource | undefined;
  if (rangeFrom !== undefined && response.status === 206) {
    const refusal = partialRefusal(response, point as ResumePoint, rangeFrom);
    if (refusal !== undefined) return refuse(refusal);
    total = (point as ResumePoint).total;
    source = 'content-length';
    // Resumed from another page's state: no hash of the first bytes to go on with.
    if (download.check === undefined && checks(response, options)) {
      download.check = await startCheck(response.headers, false, options, true, false);
    }
  } else {
    if (!(await body.restart())) {
      return refuse(
        `the whole body came again (${response.status}: Range ignored, or the validator changed) and the sink cannot be truncated`,
      );
    }
    // A HEAD or 204 response has no body, whatever its Content-Length says.
    const bodyless = method === 'HEAD' || response.status === 204;
    if (!bodyless) ({ total, source } = responseTotal(response.headers, options.sizeHintHeader));
    download.point = download.resumable ? resumePointOf(response) : undefined;
    // A digest on an answer without a body is of the resource's representation, which it does not carry.
    download.check =
      !bodyless && checks(response, options)
        ? await startCheck(response.headers, response.status === 200, options, false, body.holdsAll())
        : undefined;
  }
  const meter = createProgressMeter(total);
  const resumeFrom = download.point;
  const { check } = download;
  try {
    await body.read(
      method === 'HEAD' || response.status === 204 ? null : response.body,
      (loaded) => {
        if (total !== undefined && loaded > total) throw overrun(sent, total, loaded, source, options.sizeHintHeader);
        const time = now();
        const event: Writable<DownloadProgressEvent> = {
          type: 'download-progress',
          time,
          totalSource: source,
          ...meter(loaded, time),
        };
        if (resumeFrom !== undefined) event.resume = { ...resumeFrom, offset: loaded };
        emit(event);
      },
      check?.update,
    );
  } catch (error) {
    throw error instanceof BodyReadError ? readFailure(error, total, sent) : error;
  }
  if (total !== undefined && body.loaded() < total) {
    throw new TruncatedBodyError(method, url, total, body.loaded());
  }
  await check?.verify(method, url, body.held);
  await finish();
}

/** Whether a response's body is checked against a digest: one is stated, or required. */
const checks = ({ headers }: Response, { digest }: TransferOptions) =>
  digest === 'require' || (digest !== 'off' && (headers.has('repr-digest') || headers.has('content-digest')));

/** The digest check of a body, loaded only now: an app whose responses state no digest never loads hash-wasm. */
async function startCheck(
  headers: Headers,
  whole: boolean,
  options: TransferOptions,
  elsewhere: boolean,
  held: boolean,
) {
  const { startDigestCheck } = await import('./digest-check.js');
  return startDigestCheck(headers, whole, options.digest === 'require', elsewhere, held);
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
