import type { MessageMap, MessageType, ResponseBodyMap, ResponseType, TransferOptions } from './options.js';

/**
 * The body type that a call with options `O` delivers on `complete`: `undefined` with a
 * `sink`, the mapped type for an explicit `responseType` (with `T` where it may be left
 * `undefined`), else the JSON type `T`.
 */
export type BodyOf<O, T = unknown> = O extends { sink: WritableStream<Uint8Array> }
  ? undefined
  : O extends { responseType: infer R }
    ? R extends ResponseType
      ? ResponseBodyMap<T>[R]
      : T
    : T;

/**
 * The response types whose body is a `T`: `'json'` always (the caller names the JSON type),
 * and for a `T` the caller names, each type whose body is assignable to it (`'blob'` for
 * `Blob`, `'text'` for `string`).
 */
export type ResponseTypeFor<T> =
  | 'json'
  | (unknown extends T
      ? never
      : { [R in ResponseType]: [ResponseBodyMap<T>[R]] extends [T] ? R : never }[ResponseType]);

/**
 * Options of a call whose body type the caller names: `T` for JSON (the default), or the body
 * type of the `responseType` given (`transfer<Blob>({ url, responseType: 'blob' })`). A typed
 * wrapper takes these: `function get<T>(options: JsonTransferOptions) { return transferResult<T>(options); }`.
 */
export type JsonTransferOptions<J = unknown, T = unknown> = TransferOptions<J> & {
  responseType?: ResponseTypeFor<T> | undefined;
  sink?: undefined;
};

/** Options `O` with any key that {@link TransferOptions} does not know turned into a type error. */
export type ExactOptions<O> = O & { [K in Exclude<keyof O, keyof TransferOptions>]: never };

/**
 * The message type that a call with options `O` delivers on its `message` events: a string per
 * line for `'lines'`, `M` for `'ndjson'`, a `ServerSentEvent` for `'sse'`; `never` for the other
 * response types, which deliver none.
 */
export type MessageOf<O, M = unknown> = O extends { responseType?: infer R }
  ? R extends MessageType
    ? MessageMap<M>[R]
    : never
  : never;

/**
 * Options of an NDJSON stream whose message type the caller names:
 * `transfer<LogLine>({ url, responseType: 'ndjson' })`.
 */
export type NdjsonTransferOptions<J = unknown> = TransferOptions<J> & { responseType: 'ndjson'; sink?: undefined };
