import type { TransferBody } from '../core/options.js';
import { InvalidTransferOptionError } from '../errors/transfer-errors.js';
import { inBrowser } from '../transports/transport.js';
import type { ChunkSource } from './counted-stream.js';

/** A request body made ready for either kind of transport. */
export interface PreparedBody {
  /** Bytes in the body, or `undefined` for a `ReadableStream`. */
  readonly total: number | undefined;
  /** The Content-Type the body implies (FormData's boundary included), if any. */
  readonly contentType: string | undefined;
  /** The body whole, for a transport that cannot stream; `undefined` when it cannot be replayed. */
  readonly whole: Uint8Array | Blob | undefined;
  /** The body's bytes in chunks of at most `chunkSize`, read lazily. */
  chunks(chunkSize: number): ChunkSource;
}

const encoder = new TextEncoder();

/** The request a body belongs to, for error messages. */
interface BodyOwner {
  readonly method: string;
  readonly url: string;
}

/**
 * Normalizes every supported body kind, or the `json` value, into a {@link PreparedBody}: at
 * once, except a `FormData`, whose encoding the platform produces asynchronously.
 */
export function prepareBody(
  body: TransferBody | undefined,
  json: unknown,
  owner: BodyOwner,
): PreparedBody | undefined | Promise<PreparedBody> {
  if (json !== undefined) return bytesBody(encoder.encode(JSON.stringify(json)), 'application/json');
  if (body === undefined) return undefined;
  if (typeof body === 'string') return bytesBody(encoder.encode(body), 'text/plain;charset=UTF-8');
  if (body instanceof URLSearchParams) {
    return bytesBody(encoder.encode(body.toString()), 'application/x-www-form-urlencoded;charset=UTF-8');
  }
  if (body instanceof ArrayBuffer) return bytesBody(new Uint8Array(body), undefined);
  if (ArrayBuffer.isView(body))
    return bytesBody(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), undefined);
  if (body instanceof Blob) return blobBody(body, body.type || undefined);
  if (body instanceof FormData) {
    const encoded = new Response(body);
    return encoded.blob().then((blob) => blobBody(blob, encoded.headers.get('content-type') ?? undefined));
  }
  return streamBody(body, owner);
}

function bytesBody(bytes: Uint8Array, contentType: string | undefined): PreparedBody {
  return {
    total: bytes.byteLength,
    contentType,
    whole: bytes,
    chunks(chunkSize) {
      let offset = 0;
      return {
        next: () => {
          offset += chunkSize;
          return offset - chunkSize < bytes.byteLength
            ? { done: false, value: bytes.subarray(offset - chunkSize, offset) }
            : { done: true, value: undefined };
        },
      };
    },
  };
}

function blobBody(blob: Blob, contentType: string | undefined): PreparedBody {
  return {
    total: blob.size,
    contentType,
    whole: blob,
    // The Blob's own stream in browsers: 64 KiB `slice().arrayBuffer()` reads ran about 3x slower in Chromium.
    chunks: (chunkSize) =>
      inBrowser
        ? readerChunks(blob.stream().getReader(), chunkSize, (value) => value as Uint8Array)
        : sliceChunks(blob, chunkSize),
  };
}

/** The least slice of a Blob read at once outside browsers: smaller chunks are cut from it, as views. */
const MIN_SLICE = 1024 * 1024;

/**
 * A Blob's bytes read a slice at a time, outside browsers: Node's `blob.stream()` yields a Blob made in
 * memory whole, as one chunk, a copy of the whole body for each attempt (a 512 MiB upload grew RSS by
 * 517 MiB, twice that when retried; BENCHMARKS.md). Slices of at least 1 MiB: one `arrayBuffer()` per
 * small chunk made a body of 1-byte chunks take minutes.
 */
function sliceChunks(blob: Blob, chunkSize: number): ChunkSource {
  const size = Math.max(chunkSize, MIN_SLICE);
  let offset = 0;
  const slices = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= blob.size) return controller.close();
      const slice = blob.slice(offset, offset + size);
      offset += size;
      controller.enqueue(new Uint8Array(await slice.arrayBuffer()));
    },
  });
  return readerChunks(slices.getReader(), chunkSize, (value) => value as Uint8Array);
}

function streamBody(stream: ReadableStream<Uint8Array>, owner: BodyOwner): PreparedBody {
  const checked = (value: unknown): Uint8Array => {
    if (value instanceof Uint8Array) return value;
    const problem = `a ReadableStream body must yield Uint8Array chunks, got ${describe(value)}`;
    throw new InvalidTransferOptionError('body', problem, owner.method, owner.url);
  };
  return {
    total: undefined,
    contentType: undefined,
    whole: undefined,
    chunks: (chunkSize) => readerChunks(stream.getReader(), chunkSize, checked),
  };
}

/**
 * A reader's chunks, each cut to at most `chunkSize` bytes (views, no copies), so that progress
 * and the lead over the server stay as fine as the chunk size says. A hand-written iterator, not
 * a generator: `return()` must cancel a read that is under way, and a generator's `return()`
 * waits for its pending `await` first.
 */
function readerChunks(
  reader: ReadableStreamDefaultReader<unknown>,
  chunkSize: number,
  checked: (value: unknown) => Uint8Array,
): ChunkSource {
  let rest: Uint8Array | undefined;
  const cut = (chunk: Uint8Array): IteratorResult<Uint8Array, undefined> => {
    rest = chunk.byteLength > chunkSize ? chunk.subarray(chunkSize) : undefined;
    return { done: false, value: chunk.byteLength > chunkSize ? chunk.subarray(0, chunkSize) : chunk };
  };
  return {
    next() {
      if (rest !== undefined) return cut(rest);
      return reader.read().then(({ done, value }) => (done ? { done: true, value: undefined } : cut(checked(value))));
    },
    async return(reason?: unknown) {
      await reader.cancel(reason).catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}

/** A short description of a value's type for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}
