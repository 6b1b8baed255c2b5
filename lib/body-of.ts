import type { ResponseBodyMap, ResponseType, TransferOptions } from './options.js';

/**
 * The body type that a call with options `O` delivers on `complete`: `undefined` with a
 * `sink`, the mapped type for an explicit `responseType`, else the JSON type `T`.
 */
export type BodyOf<O, T = unknown> = O extends { sink: WritableStream<Uint8Array> }
  ? undefined
  : O extends { responseType: infer R extends ResponseType }
    ? ResponseBodyMap<T>[R]
    : T;

/** Options of a call whose body is JSON of a type the caller names. */
export type JsonTransferOptions<J = unknown> = TransferOptions<J> & { responseType?: 'json'; sink?: undefined };

/** Options `O` with any key that {@link TransferOptions} does not know turned into a type error. */
export type ExactOptions<O> = O & { [K in Exclude<keyof O, keyof TransferOptions>]: never };
