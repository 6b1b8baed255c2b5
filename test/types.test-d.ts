import * as built from 'rx-transfer';
import { lastValueFrom, type Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CompleteEvent,
  type DownloadProgressEvent,
  type HeadersEvent,
  isTransferError,
  type JsonTransferOptions,
  ofType,
  type RetryEvent,
  type RetryPolicy,
  type ServerSentEvent,
  type StreamMessageEvent,
  type TransferEvent,
  type TransferOptions,
  transfer,
  transferResult,
  transferStages,
  type UploadProgressEvent,
} from '../lib/index.js';

interface User {
  id: string;
  name: string;
}
interface NewUser {
  name: string;
}

const bodyOf = <T>(events$: Observable<TransferEvent<T>>) => events$ as unknown as T;

describe('typed JSON in and out', () => {
  it('types the response body by the caller’s JSON type', () => {
    expectTypeOf(transfer<User>({ url: '/me' })).toEqualTypeOf<Observable<TransferEvent<User>>>();
    expectTypeOf(transferResult<User>({ url: '/me' })).toEqualTypeOf<Observable<User>>();
    expectTypeOf(transferStages<User>({ url: '/me' }).result$).toEqualTypeOf<Observable<User>>();
    expectTypeOf(lastValueFrom(transferResult<User>({ url: '/me' }))).resolves.toEqualTypeOf<User>();
  });

  it('checks the JSON request body against its type', () => {
    transfer<User, NewUser>({ url: '/users', method: 'POST', json: { name: 'a' } });
    // @ts-expect-error: `id` is not part of NewUser
    transfer<User, NewUser>({ url: '/users', method: 'POST', json: { name: 'a', id: 1 } });
    // @ts-expect-error: a JSON type goes with the JSON response type only
    transfer<User>({ url: '/me', responseType: 'text' });
  });

  it('maps each responseType, and a sink, to its body type', () => {
    expectTypeOf(bodyOf(transfer({ url: '/a', responseType: 'text' }))).toEqualTypeOf<string>();
    expectTypeOf(bodyOf(transfer({ url: '/a', responseType: 'blob' }))).toEqualTypeOf<Blob>();
    expectTypeOf(bodyOf(transfer({ url: '/a', responseType: 'arrayBuffer' }))).toEqualTypeOf<ArrayBuffer>();
    expectTypeOf(bodyOf(transfer({ url: '/a', responseType: 'stream' }))).toEqualTypeOf<ReadableStream<Uint8Array>>();
    expectTypeOf(bodyOf(transfer({ url: '/a', responseType: 'none' }))).toEqualTypeOf<undefined>();
    expectTypeOf(bodyOf(transfer({ url: '/a', sink: new WritableStream<Uint8Array>() }))).toEqualTypeOf<undefined>();
    expectTypeOf(transferResult({ url: '/a', responseType: 'text' })).toEqualTypeOf<Observable<string>>();
  });

  it('rejects options that do not exist or have the wrong type', () => {
    // @ts-expect-error: not an option
    transfer({ url: '/a', timeoutMs: 5 });
    // @ts-expect-error: a number is not a body
    transfer({ url: '/a', method: 'POST', body: 42 });
  });
});

describe('options under exactOptionalPropertyTypes (the project’s own tsconfig)', () => {
  it('takes an optional option passed through as possibly undefined', () => {
    const fetchJson = (url: string, signal?: AbortSignal, headers?: Record<string, string>) =>
      transferResult<User>({ url, signal, headers });
    expectTypeOf(fetchJson).returns.toEqualTypeOf<Observable<User>>();
    const maybeSignal = undefined as AbortSignal | undefined;
    const maybeSink = undefined as WritableStream<Uint8Array> | undefined;
    transfer({ url: '/a', signal: maybeSignal, method: undefined, progressInterval: undefined });
    transferStages({ url: '/a', signal: maybeSignal, searchParams: undefined, hooks: undefined });
    const options: TransferOptions = { url: '/a', signal: maybeSignal, headers: undefined, sink: maybeSink };
    transfer(options);
  });

  it('accepts a wrapper typed with TransferOptions, and a typed one with JsonTransferOptions', () => {
    const get = (options: TransferOptions) => transfer(options);
    expectTypeOf(get).returns.toEqualTypeOf<Observable<TransferEvent<unknown>>>();
    expectTypeOf((options: TransferOptions) => transferResult(options)).returns.toEqualTypeOf<Observable<unknown>>();
    get({ url: '/a', signal: undefined as AbortSignal | undefined });
    const getJson = <T>(options: JsonTransferOptions) => transferResult<T>(options);
    expectTypeOf(getJson<User>({ url: '/me' })).toEqualTypeOf<Observable<User>>();
  });

  it('takes a named body type that matches the responseType', () => {
    expectTypeOf(transfer<Blob>({ url: '/a', responseType: 'blob' })).toEqualTypeOf<Observable<TransferEvent<Blob>>>();
    expectTypeOf(transferResult<string>({ url: '/a', responseType: 'text' })).toEqualTypeOf<Observable<string>>();
    expectTypeOf(transferStages<ArrayBuffer>({ url: '/a', responseType: 'arrayBuffer' }).result$).toEqualTypeOf<
      Observable<ArrayBuffer>
    >();
    // @ts-expect-error: a Blob is not what 'text' delivers
    transfer<Blob>({ url: '/a', responseType: 'text' });
  });

  it('types a responseType that may be undefined as that type’s body or the JSON default', () => {
    const maybeText = undefined as 'text' | undefined;
    expectTypeOf(transferResult({ url: '/a', responseType: maybeText })).toEqualTypeOf<Observable<unknown>>();
    expectTypeOf(bodyOf(transfer({ url: '/a', responseType: 'blob' as 'blob' | 'text' }))).toEqualTypeOf<
      Blob | string
    >();
  });
});

describe('event narrowing', () => {
  it('narrows the union by type', () => {
    transfer<User>({ url: '/me' }).subscribe((event) => {
      if (event.type === 'upload-progress') {
        expectTypeOf(event).toEqualTypeOf<UploadProgressEvent>();
        expectTypeOf(event.total).toEqualTypeOf<number | undefined>();
        expectTypeOf(event.granularity).toEqualTypeOf<'chunk' | 'browser' | 'whole'>();
      }
      if (event.type === 'complete') expectTypeOf(event.body).toEqualTypeOf<User>();
      if (event.type === 'headers') expectTypeOf(event.status).toEqualTypeOf<number>();
    });
  });

  it('narrows with ofType', () => {
    const picked = transfer<User>({ url: '/me' }).pipe(ofType('headers', 'complete'));
    expectTypeOf(picked).toEqualTypeOf<Observable<HeadersEvent | CompleteEvent<User>>>();
    const progress = transferStages({ url: '/a', responseType: 'blob' }).downloadProgress$;
    expectTypeOf(progress).toEqualTypeOf<Observable<DownloadProgressEvent>>();
  });

  it('narrows errors by name', () => {
    const error: unknown = new Error();
    if (isTransferError(error, 'TruncatedBodyError')) expectTypeOf(error.expected).toEqualTypeOf<number>();
    if (isTransferError(error, 'InvalidTransferOptionError')) expectTypeOf(error.option).toEqualTypeOf<string>();
  });
});

describe('the built package', () => {
  it('exposes the same typed surface from dist', () => {
    expectTypeOf(built.transfer<User>({ url: '/me' })).toEqualTypeOf<Observable<built.TransferEvent<User>>>();
    expectTypeOf(built.transferResult({ url: '/a', responseType: 'text' })).toEqualTypeOf<Observable<string>>();
  });
});

describe('retries in the types', () => {
  it('narrows the retry event and its stage', () => {
    const retries$ = transfer({ url: '/x' }).pipe(ofType('retry'));
    expectTypeOf(retries$).toEqualTypeOf<Observable<RetryEvent>>();
    expectTypeOf(transferStages({ url: '/x' }).retry$).toEqualTypeOf<Observable<RetryEvent>>();
    expectTypeOf<RetryEvent['delaySource']>().toEqualTypeOf<'retry-after' | 'backoff' | 'retry-field'>();
  });

  it('takes a policy, a limit or false, and a body function only for streams', () => {
    expectTypeOf<{ url: string; retry: { limit: 3; methods: ['POST'] } }>().toExtend<TransferOptions>();
    expectTypeOf<{ url: string; retry: 3 }>().toExtend<TransferOptions>();
    expectTypeOf<{ url: string; retry: false }>().toExtend<TransferOptions>();
    expectTypeOf<{ url: string; retry: true }>().not.toExtend<TransferOptions>();
    expectTypeOf<{ url: string; body: () => ReadableStream<Uint8Array> }>().toExtend<TransferOptions>();
    expectTypeOf<{ url: string; body: () => string }>().not.toExtend<TransferOptions>();
    expectTypeOf<RetryPolicy['shouldRetry']>().toEqualTypeOf<
      ((error: unknown, attempt: number) => boolean | undefined | PromiseLike<boolean | undefined>) | undefined
    >();
  });
});

describe('message streams in the types', () => {
  it('types each message by its response type: a string per line, the caller’s NDJSON type, a ServerSentEvent', () => {
    const lines$ = transfer({ url: '/log', responseType: 'lines' }).pipe(ofType('message'));
    expectTypeOf(lines$).toEqualTypeOf<Observable<StreamMessageEvent<string>>>();
    const entries$ = transfer<User>({ url: '/users', responseType: 'ndjson' }).pipe(ofType('message'));
    expectTypeOf(entries$).toEqualTypeOf<Observable<StreamMessageEvent<User>>>();
    expectTypeOf(transferStages({ url: '/chat', responseType: 'sse' }).messages$).toEqualTypeOf<
      Observable<ServerSentEvent>
    >();
    expectTypeOf(transferStages<User>({ url: '/users', responseType: 'ndjson' }).messages$).toEqualTypeOf<
      Observable<User>
    >();
    expectTypeOf(transfer({ url: '/chat', responseType: 'sse' }).pipe(ofType('complete'))).toEqualTypeOf<
      Observable<CompleteEvent<undefined>>
    >();
  });

  it('refuses message options of the wrong type', () => {
    // @ts-expect-error badLines is 'error' or 'skip'
    transfer({ url: '/x', responseType: 'ndjson', badLines: 'drop' });
    // @ts-expect-error live is a boolean
    transfer({ url: '/x', responseType: 'sse', live: 'yes' });
  });
});
