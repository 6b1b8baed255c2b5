import { Observable } from 'rxjs';
import type { BodyOf, ExactOptions, JsonTransferOptions } from './body-of.js';
import { TransferAbortError } from './errors.js';
import type { TransferEvent } from './events.js';
import { runExchange } from './exchange.js';
import { sampleProgress } from './operators/sample-progress.js';
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
 * @example
 * ```ts
 * import { transfer } from 'rx-transfer';
 * transfer<{ id: string }>({ url: '/api/files', method: 'POST', body: file }).subscribe({
 *   next: (event) => console.log(event.type, event),
 *   error: (error) => console.error(error),
 * });
 * ```
 */
export function transfer<T = unknown, J = unknown>(options: JsonTransferOptions<J>): Observable<TransferEvent<T>>;
export function transfer<const O extends TransferOptions>(
  options: ExactOptions<O>,
): Observable<TransferEvent<BodyOf<O>>>;
export function transfer(options: TransferOptions): Observable<TransferEvent<unknown>> {
  const events$ = new Observable<TransferEvent<unknown>>((subscriber) => {
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
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let settled = false;
    const settle = () => {
      settled = true;
      callerSignal?.removeEventListener('abort', onCallerAbort);
    };
    runExchange(options, url, (event) => subscriber.next(event), controller.signal).then(
      () => {
        settle();
        subscriber.complete();
      },
      (error: unknown) => {
        settle();
        subscriber.error(callerSignal?.aborted ? aborted() : error);
      },
    );
    return () => {
      if (settled) return;
      settle();
      controller.abort(new DOMException('The transfer was unsubscribed', 'AbortError'));
    };
  });
  return events$.pipe(sampleProgress(options?.progressInterval ?? 50));
}
