import { map, Observable, Subject, type SubjectLike, share } from 'rxjs';
import { ofType } from '../operators/of-type.js';
import type { BodyOf, ExactOptions, JsonTransferOptions, MessageOf, NdjsonTransferOptions } from './body-of.js';
import type {
  CompleteEvent,
  DownloadProgressEvent,
  HeadersEvent,
  RetryEvent,
  SentEvent,
  StartEvent,
  TransferEvent,
  UploadProgressEvent,
} from './events.js';
import type { TransferOptions } from './options.js';
import { transfer } from './transfer.js';

/**
 * Each stage of one transfer as its own observable. All of them share **one** exchange:
 * it starts with the first subscription, and it is aborted when every subscriber has left
 * before it ended. A late subscriber gets the stage events so far replayed in order, with only
 * the latest progress event of each kind in place of its run, and of the retries only the first
 * attempt's events and the latest retry with what followed it (what is held stays bounded,
 * however long the exchange, a live event stream's reconnects included), then the error or
 * completion if the exchange has ended. Messages are not replayed. Each stage errors with the
 * exchange's error and completes when the exchange does.
 *
 * @typeParam T - the body `complete` carries
 * @typeParam M - the message type of a message stream
 */
export interface TransferStages<T, M = unknown> {
  readonly events$: Observable<TransferEvent<T>>;
  readonly start$: Observable<StartEvent>;
  readonly uploadProgress$: Observable<UploadProgressEvent>;
  readonly sent$: Observable<SentEvent>;
  readonly headers$: Observable<HeadersEvent>;
  readonly downloadProgress$: Observable<DownloadProgressEvent>;
  /** Each retry, before the `start` of the attempt it announces. */
  readonly retry$: Observable<RetryEvent>;
  /**
   * The messages of a message stream (`responseType: 'lines'`, `'ndjson'` or `'sse'`), each as it
   * arrives: the form for UI code. Live only: a late subscriber gets the messages that arrive after
   * it subscribed (holding them for later would hold the whole stream).
   */
  readonly messages$: Observable<M>;
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
export function transferStages<M = unknown, J = unknown>(
  options: NdjsonTransferOptions<J>,
): TransferStages<undefined, M>;
export function transferStages<const O extends TransferOptions>(
  options: ExactOptions<O>,
): TransferStages<BodyOf<O>, MessageOf<O>>;
export function transferStages(options: TransferOptions): TransferStages<unknown> {
  const events$ = transfer(options).pipe(
    share({
      connector: stagesReplay,
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
    retry$: events$.pipe(ofType('retry')),
    messages$: events$.pipe(
      ofType('message'),
      map((event) => event.message),
    ),
    complete$,
    result$: complete$.pipe(map((event) => event.body)),
  };
}

/**
 * A subject that replays to each new subscriber the stage events so far and, of each run of
 * progress events, only the latest, of the retries only the latest with what followed it, and no
 * message, in lifecycle order; then passes live events on. Its
 * terminal state is replayed by the inner `Subject`.
 */
function stagesReplay(): SubjectLike<TransferEvent<unknown>> {
  const live = new Subject<TransferEvent<unknown>>();
  const held: TransferEvent<unknown>[] = [];
  const replayed = new Observable<TransferEvent<unknown>>((subscriber) => {
    for (let index = 0; index < held.length && !subscriber.closed; index++) {
      subscriber.next(held[index] as TransferEvent<unknown>);
    }
    return live.subscribe(subscriber);
  });
  return {
    next(event) {
      const progress = event.type === 'upload-progress' || event.type === 'download-progress';
      if (progress && held.at(-1)?.type === event.type) held[held.length - 1] = event;
      else if (event.type === 'retry') {
        const earlier = held.findIndex((old) => old.type === 'retry');
        if (earlier !== -1) held.length = earlier;
        held.push(event);
      } else if (event.type !== 'message') held.push(event);
      live.next(event);
    },
    error: (error) => live.error(error),
    complete: () => live.complete(),
    subscribe: (observer) => replayed.subscribe(observer),
  };
}
