import { type CountedStream, countedStream } from '../bodies/counted-stream.js';
import { type Download, receiveResponse, resumeOffset } from '../bodies/receive-response.js';
import { describe, type PreparedBody, prepareBody } from '../bodies/request-body.js';
import { InvalidTransferOptionError, RedirectError } from '../errors/transfer-errors.js';
import { type ResumePoint, validatorOf } from '../policies/resume.js';
import { createUploadTracker } from '../progress/upload-tracker.js';
import { statedHeader, withHeader } from '../transports/ky-options.js';
import {
  inBrowser,
  selectTransport,
  sizedTransport,
  streamRefusal,
  type TransportName,
} from '../transports/transport.js';
import { type AttemptPlan, type SentAttempt, sendAttempt } from './attempt.js';
import type { Cancellation } from './cancellation.js';
import type { TransferEvent } from './events.js';
import type { TransferBody, TransferOptions } from './options.js';
import { methodOf } from './validate-options.js';

/** The size of the chunks a body streams in, unless the caller sets `uploadChunkSize` (see there why). */
const DEFAULT_CHUNK_SIZE = inBrowser ? 64 * 1024 : 1024 * 1024;

/**
 * In browsers, a body this large streams in chunks four times the default (16 steps or more):
 * each chunk costs Chromium a round through the stream, and 64 KiB ones ran a few percent behind
 * `fetch(blob.stream())` (BENCHMARKS.md).
 */
const LARGE_BODY = 4 * 1024 * 1024;

function defaultChunkSize(total: number | undefined): number {
  return inBrowser && total !== undefined && total >= LARGE_BODY ? 4 * DEFAULT_CHUNK_SIZE : DEFAULT_CHUNK_SIZE;
}

/**
 * Runs one exchange to its end, emitting its lifecycle events in order; resolves after
 * `complete` or rejects with the failure. Aborting `cancellation` aborts everything under way,
 * the request body first (it ends in error, never cleanly), then the fetch and any body read.
 * Options are assumed valid and `url` resolved ({@link validateOptions}).
 *
 * A streamed attempt is re-sent once, whole (attempt 2), only when the server answered it without
 * taking it: a redirect (a streamed body cannot follow one; the whole body follows it as fetch
 * does) or 411 Length Required. Nothing else is ever sent twice.
 */
export async function runExchange(
  options: TransferOptions,
  url: URL,
  emit: (event: TransferEvent<unknown>) => void,
  cancellation: Cancellation,
  download: Download,
  firstAttempt = 1,
): Promise<void> {
  const method = methodOf(options);
  const owner = { method, url: String(options.url) };
  // Awaited even without a body: no event may arrive before `subscribe` has returned.
  const body = await prepareBody(bodySource(options, owner), options.json, owner);
  const chunkSize = options.uploadChunkSize ?? defaultChunkSize(body?.total);
  const rangeFrom = resumeOffset(download);
  let sending = rangeFrom === undefined ? options : withRange(options, download.point as ResumePoint, rangeFrom);
  if (options.digest === 'require') {
    sending = { ...sending, headers: withHeader(sending.headers, 'want-repr-digest', 'sha-512=10, sha-256=9') };
  }
  // An event stream that reconnects says where it stopped (`Last-Event-ID`).
  if (download.messages) sending = { ...sending, headers: download.messages.headers(sending.headers) };
  let transport = selectTransport(body, url, options.transport, chunkSize);
  if (body !== undefined) checkBody(body, transport, url, options);
  for (let attempt = firstAttempt; ; attempt++) {
    const granularity = transport === 'xhr' ? 'browser' : 'chunk';
    const upload = body === undefined ? undefined : createUploadTracker(body.total, granularity, emit);
    const counted =
      transport === 'fetch-stream' && body !== undefined && upload !== undefined
        ? countedStream(body.chunks(chunkSize), upload)
        : undefined;
    const plan = { options: sending, url, method, body, transport, upload, attempt, emit, signal: cancellation.signal };
    let sent: SentAttempt;
    try {
      sent = await sendCounted({ ...plan, stream: counted?.stream }, counted, cancellation);
    } catch (error) {
      // Node's fetch refuses a redirect of a streamed body (`redirect: 'error'`, the only mode in which it keeps
      // no copy of the body): the whole body follows it, as for a redirect seen.
      if (counted === undefined || attempt !== firstAttempt || !redirectRefused(error) || options.redirect) throw error;
      if (body?.whole === undefined) throw new RedirectError(method, String(options.url), 0, undefined);
      transport = sizedTransport();
      continue;
    }
    if (
      counted !== undefined &&
      attempt === firstAttempt &&
      answeredUntaken(sent.response, body as PreparedBody, options, counted)
    ) {
      await sent.response.body?.cancel().catch(() => undefined);
      transport = sizedTransport();
      continue;
    }
    upload?.atHeaders(transport === 'fetch-stream');
    try {
      // Awaited, not returned: returning a promise from an async function costs two more microtasks.
      return await receiveResponse(sent, upload, options, emit, download, rangeFrom);
    } finally {
      counted?.release(answeredEarly, true);
    }
  }
}

/** `options` asking for the rest of a download from `offset`, if it is still the representation of `point`. */
function withRange(options: TransferOptions, point: ResumePoint, offset: number): TransferOptions {
  const headers = withHeader(withHeader(options.headers, 'range', `bytes=${offset}-`), 'if-range', validatorOf(point));
  return { ...options, headers };
}

/** The body this attempt sends: a body function's fresh stream, checked as the option would be. */
function bodySource(options: TransferOptions, owner: { method: string; url: string }): TransferBody | undefined {
  if (typeof options.body !== 'function') return options.body;
  const made: unknown = options.body();
  if (made instanceof ReadableStream && !made.locked) return made;
  throw new InvalidTransferOptionError(
    'body',
    `expected the body function to return an unlocked ReadableStream, got ${describe(made)}`,
    owner.method,
    owner.url,
  );
}

const answeredEarly = new DOMException('The server answered before the request body was sent', 'AbortError');

/**
 * Sends one attempt. Cancelled before its fetch settles, its streamed body ends in error first and
 * the fetch it fails is let settle before the abort (see {@link Cancellation}). A body that had
 * already gone whole fails nothing: the abort goes at once (its fetch waits for an answer that may
 * never come, and waiting for it held a stalled server's `headers` and `total` limits back by the
 * whole settle limit, a second). Once the fetch has settled, answered or failed, the body is only
 * closed and its source released: the request is over, no server can take it for a whole one, and
 * Chromium leaves its own cancel of an errored body unhandled then (an "Uncaught (in promise)" in
 * the page).
 */
async function sendCounted(
  plan: AttemptPlan,
  counted: CountedStream | undefined,
  cancellation: Cancellation,
): Promise<SentAttempt> {
  let settled = false;
  const sending = sendAttempt(plan);
  cancellation.beforeAbort((reason) => (counted?.release(reason, settled) ? sending : undefined));
  try {
    return await sending;
  } catch (error) {
    counted?.release(error, true);
    throw error;
  } finally {
    settled = true;
  }
}

/**
 * Whether the server answered without taking a streamed body, which can go again whole:
 * a redirect (followed by the whole body as fetch follows it) or 411 Length Required. A
 * `ReadableStream` body, whose bytes are gone, fails on a redirect with a {@link RedirectError}.
 */
function answeredUntaken(
  response: Response,
  body: PreparedBody,
  options: TransferOptions,
  counted: CountedStream,
): boolean {
  const redirect = options.redirect === undefined && isRedirect(response);
  const untaken = redirect || (response.status === 411 && body.whole !== undefined);
  if (untaken) counted.release(answeredEarly, true);
  if (redirect && body.whole === undefined) {
    const location = response.headers.get('location') ?? undefined;
    throw new RedirectError(methodOf(options), String(options.url), response.status, location);
  }
  return untaken;
}

/** Whether `error` is Node's fetch refusing a redirect (`redirect: 'error'`): its cause says `unexpected redirect`. */
function redirectRefused(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; depth++) {
    if (cause.message === 'unexpected redirect') return true;
    cause = cause.cause;
  }
  return false;
}

const isRedirect = (response: Response) =>
  response.type === 'opaqueredirect' ||
  (response.status >= 300 && response.status < 400 && response.headers.has('location'));

/** Refuses, before any traffic, a body its transport cannot carry, or a Content-Length that contradicts it. */
function checkBody(body: PreparedBody, transport: TransportName, url: URL, options: TransferOptions): void {
  const fail = (option: string, problem: string): never => {
    throw new InvalidTransferOptionError(option, problem, methodOf(options), String(options.url));
  };
  const refusal = transport === 'fetch-stream' ? streamRefusal(url) : undefined;
  if (body.whole === undefined) {
    if (transport !== 'fetch-stream')
      fail('transport', `a ReadableStream body can only be streamed, not sent by ${transport}`);
    if (refusal !== undefined)
      fail(
        'body',
        `a ReadableStream body needs streamed request bodies: ${refusal}; send a Blob, File, ArrayBuffer or string`,
      );
  }
  if (transport === 'xhr' && typeof XMLHttpRequest !== 'function')
    fail('transport', 'this platform has no XMLHttpRequest');
  // Only the caller's own choice can stream a re-readable body where streams are refused.
  if (refusal !== undefined) fail('transport', `'fetch-stream' is refused here: ${refusal}`);
  const stated = statedHeader(options.headers, 'content-length');
  if (stated !== undefined && body.total !== undefined && Number(stated) !== body.total) {
    fail('headers', `Content-Length ${stated} does not match the body's ${body.total} bytes`);
  }
}
