import { map, type Observable, ReplaySubject, share } from 'rxjs';
import type { BodyOf, ExactOptions, JsonTransferOptions } from './body-of.js';
import type {
  CompleteEvent,
  DownloadProgressEvent,
  HeadersEvent,
  SentEvent,
  StartEvent,
  TransferEvent,
  UploadProgressEvent,
} from './events.js';
import { ofType } from './operators/of-type.js';
import type { TransferOptions } from './options.js';
import { transfer } from './transfer.js';

/**
 * Each stage of one transfer as its own observable. All of them share **one** exchange:
 * it starts with the first subscription, late subscribers get every event so far replayed,
 * and it is aborted when every subscriber has left before it ended. Each stage errors with
 * the exchange's error and completes when the exchange does.
 */
export interface TransferStages<T> {
  readonly events$: Observable<TransferEvent<T>>;
  readonly start$: Observable<StartEvent>;
  readonly uploadProgress$: Observable<UploadProgressEvent>;
  readonly sent$: Observable<SentEvent>;
  readonly headers$: Observable<HeadersEvent>;
  readonly downloadProgress$: Observable<DownloadProgressEvent>;
  readonly complete$: Observable<CompleteEvent<T>>;
  /** The response body, once. */
  readonly result$: Observable<T>;
}

/**
 * Splits one transfer into stage observables that share a single exchange.
 *
 * @example
 * ```ts
 * import { transferStages } from 'rx-transfer';
 * const upload = transferStages<{ id: string }>({ url: '/files', method: 'PUT', body: file });
 * upload.uploadProgress$.subscribe(({ percent }) => (bar.value = percent ?? 0));
 * upload.headers$.subscribe(({ status }) => console.log('status', status));
 * upload.result$.subscribe(({ id }) => console.log('stored as', id)); // one request in all
 * ```
 */
export function transferStages<T = unknown, J = unknown>(options: JsonTransferOptions<J, T>): TransferStages<T>;
export function transferStages<const O extends TransferOptions>(options: ExactOptions<O>): TransferStages<BodyOf<O>>;
export function transferStages(options: TransferOptions): TransferStages<unknown> {
  const events$ = transfer(options).pipe(
    share({
      connector: () => new ReplaySubject<TransferEvent<unknown>>(),
      resetOnError: false,
      resetOnComplete: false,
      resetOnRefCountZero: true,
    }),
  );
  const complete$ = events$.pipe(ofType('complete'));
  return {
    events$,
    start$: events$.pipe(ofType('start')),
    uploadProgress$: events$.pipe(ofType('upload-progress')),
    sent$: events$.pipe(ofType('sent')),
    headers$: events$.pipe(ofType('headers')),
    downloadProgress$: events$.pipe(ofType('download-progress')),
    complete$,
    result$: complete$.pipe(map((event) => event.body)),
  };
}
