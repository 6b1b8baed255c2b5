import { Observable } from 'rxjs';
import { resumeOffset, startDownload } from '../bodies/receive-response.js';
import { type TimeoutError, TransferAbortError } from '../errors/transfer-errors.js';
import { sampleProgress } from '../operators/sample-progress.js';
import { watchDeadlines } from '../policies/deadlines.js';
import type { ResumePoint, ResumeState } from '../policies/resume.js';
import { retryAttempts } from '../policies/retry-attempts.js';
import type { BodyOf, ExactOptions, JsonTransferOptions, MessageOf, NdjsonTransferOptions } from './body-of.js';
import { type Cancellation, createCancellation } from './cancellation.js';
import type { CompleteEvent, TransferEvent } from './events.js';
import { runExchange } from './exchange.js';
import type { TransferOptions } from './options.js';
import { methodOf, validateOptions } from './validate-options.js';

/**
 * One HTTP exchange as a **cold** observable of its lifecycle events (see
 * {@link TransferEvent} for their order). Each subscription runs one exchange; unsubscribing
 * aborts all of it, a body read included; nothing is aborted after `complete` or an error.
 * Invalid options fail with an `InvalidTransferOptionError` before any network traffic: before
 * `start`, or, for what only fetch judges (a malformed header name, an unknown `mode`), right
 * after it when fetch refuses the request (before it when ky builds the request).
 * Progress events are sampled by `progressInterval`.
 *
 * @typeParam T - the JSON response type (`responseType: 'json'`, the default)
 * @typeParam J - the type of the `json` request body
 * @typeParam M - the type of each line of an NDJSON stream (`responseType: 'ndjson'`)
 * @example
 * ```ts
 * import { transfer } from 'rx-transfer';
 * transfer<{ id: string }>({ url: '/api/files', method: 'POST', body: file }).subscribe({
 *   next: (event) => console.log(event.type, event),
 *   error: (error) => console.error(error),
 * });
 * ```
 */
export function transfer<T = unknown, J = unknown>(options: JsonTransferOptions<J, T>): Observable<TransferEvent<T>>;
export function transfer<M = unknown, J = unknown>(
  options: NdjsonTransferOptions<J>,
): Observable<TransferEvent<undefined, M>>;
export function transfer<const O extends TransferOptions>(
  options: ExactOptions<O>,
): Observable<TransferEvent<BodyOf<O>, MessageOf<O>>>;
export function transfer(options: TransferOptions): Observable<TransferEvent<unknown>> {
  return exchangeEvents(options).pipe(sampleProgress(options?.progressInterval ?? 50));
}

/**
 * The events of one exchange, every progress event included (unsampled): {@link transfer} without
 * its sampling, for forms that drop progress anyway (`transferResult`), so that they carry no
 * sampling code.
 */
export function exchangeEvents(options: TransferOptions): Observable<TransferEvent<unknown>> {
  return new Observable<TransferEvent<unknown>>((subscriber) => {
    let url: URL;
    try {
      url = validateOptions(options);
    } catch (error) {
      subscriber.error(error);
      return;
    }
    const callerSignal = options.signal;
    const aborted = () =>
      new TransferAbortError('Transfer aborted', methodOf(options), String(options.url), {
        cause: callerSignal?.reason,
      });
    if (callerSignal?.aborted) {
      subscriber.error(aborted());
      return;
    }
    // The exchange's end (unsubscribe, the caller's signal, the `total` limit) stops the retry
    // wait and the attempt under way; a phase limit stops only its attempt, which may go again.
    const ended = new AbortController();
    let attempt: Cancellation | undefined;
    let timedOut: TimeoutError | undefined;
    const end = (reason: unknown) => {
      ended.abort(reason);
      attempt?.abort(reason);
    };
    const owner = { method: methodOf(options), url: String(options.url) };
    const deadlines = watchDeadlines(options.timeout, owner, (error) => {
      timedOut = error;
      // The platform's own reason for a timed-out signal (as `AbortSignal.timeout` gives); the caller gets `error`.
      const reason = new DOMException(error.message, 'TimeoutError');
      if (error.phase === 'total') end(reason);
      else attempt?.abort(reason);
    });
    // Aborted from inside an upload's own event (its handler, while the request body may be on its
    // way), the caller's abort silences the exchange and stops any retry at once, and aborts the
    // attempt under way a task later: in Chromium, an HTTP/2 streamed upload aborted from within its
    // own upload-progress or sent event froze the page (the renderer spun, and abort() never
    // returned). The error goes out as the attempt unwinds. Any other abort goes at once, as fetch's
    // does: deferred, undici failed its own assertion (`!this.aborted`) finishing a download under
    // MSW, and a caller that released an upload's source right after aborting (rx-transfer/resumable)
    // let its body end cleanly first.
    let callerAborted = false;
    // Whether a request body may still be on its way (until the response's headers), and whether an upload event is
    // being handed to the subscriber now.
    let uploading = options.body !== undefined || options.json !== undefined;
    let inUploadEvent = false;
    const onCallerAbort = () => {
      const reason = callerSignal?.reason;
      if (settled || !inUploadEvent) return end(reason);
      callerAborted = true;
      ended.abort(reason);
      setTimeout(() => attempt?.abort(reason), 0);
    };
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const release = () => callerSignal?.removeEventListener('abort', onCallerAbort);
    let settled = false;
    // Settled as `complete` goes out, not after: a subscriber that leaves on it (`take(1)`,
    // `firstValueFrom`) must not abort what it was handed.
    const emit = (event: TransferEvent<unknown>) => {
      if (callerAborted) return;
      // Messages move no deadline (their chunk's progress does), and can come by the hundred thousand.
      if (event.type === 'message') return subscriber.next(event);
      if (event.type === 'headers') uploading = false;
      deadlines.observe(event);
      if (event.type === 'complete') {
        settled = true;
        return subscriber.next(handOver(event, callerSignal, release));
      }
      inUploadEvent = uploading;
      subscriber.next(event);
      inUploadEvent = false;
    };
    const download = startDownload(options, owner.method);
    const run = (first: number, emitting: typeof emit) => {
      attempt = createCancellation();
      timedOut = undefined;
      return runExchange(options, url, emitting, attempt, download, first).catch((error: unknown) => {
        // A phase limit goes with its attempt's failure only: once retried, it is not the end of an
        // exchange that the caller leaves during the wait (the `total` limit stays the end).
        const failure = timedOut ?? error;
        if (timedOut?.phase !== 'total') timedOut = undefined;
        throw failure;
      });
    };
    retryAttempts({
      options,
      download,
      method: owner.method,
      run,
      emit,
      signal: ended.signal,
      remaining: deadlines.remaining,
    }).then(
      // Completed in the task between the caller's abort and its end: the caller asked first.
      () => (callerAborted ? fail(aborted()) : subscriber.complete()),
      (error: unknown) => fail(error),
    );
    function fail(error: unknown) {
      settled = true;
      deadlines.stop();
      release();
      download.body?.fail(error);
      const failure = timedOut ?? (callerSignal?.aborted ? aborted() : error);
      const offset = resumeOffset(download);
      if (offset !== undefined && failure instanceof Object)
        (failure as { resume?: ResumeState }).resume = { ...(download.point as ResumePoint), offset };
      subscriber.error(failure);
    }
    return () => {
      if (settled) return;
      settled = true;
      deadlines.stop();
      release();
      end(new DOMException('The transfer was unsubscribed', 'AbortError'));
    };
  });
}

/**
 * The `complete` event as the caller gets it. A body handed over unread (`responseType: 'stream'`)
 * stays within reach of the caller's signal, as a fetch's body does: the listener is removed
 * only when that body ends, however it ends. Anything else releases the signal at once.
 */
function handOver(
  event: CompleteEvent<unknown>,
  signal: AbortSignal | undefined,
  release: () => void,
): CompleteEvent<unknown> {
  if (signal === undefined || !(event.body instanceof ReadableStream)) {
    release();
    return event;
  }
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  event.body.pipeTo(writable).then(release, release);
  return { ...event, body: readable };
}
