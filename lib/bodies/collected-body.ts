import type { MessageType, ResponseType } from '../core/options.js';
import { readChunks } from './read-chunks.js';

/** Where one exchange's response body goes, across its attempts. */
export interface CollectOptions {
  readonly responseType: Exclude<ResponseType, 'stream' | MessageType>;
  readonly sink: WritableStream<Uint8Array> | undefined;
  readonly keepBytes: number;
}

/** The outcome of a body read to its end. */
export interface BodyResult {
  /** The collected body: a string for `'json'` and `'text'` (parsed by the caller), else as asked. */
  readonly body: unknown;
  readonly loaded: number;
  readonly prefix: Uint8Array | undefined;
}

/**
 * One exchange's response body as it is collected, into memory or a sink, across attempts: a
 * resumed download appends to it, a restarted one empties it first. A sink is written with
 * backpressure, closed by `end` and aborted by `fail`.
 */
export interface CollectedBody {
  /** Bytes collected so far: where a resumed download goes on from. */
  readonly loaded: () => number;
  /**
   * Empties what was collected, for a body that starts again from byte 0; false when it cannot be
   * (a sink written to that cannot be truncated: only a `FileSystemWritableFileStream` can).
   */
  readonly restart: () => Promise<boolean>;
  /** Whether `restart` can succeed. */
  readonly restartable: () => boolean;
  /**
   * Reads `stream` to its end into the body, handing each chunk to `onChunk` (a hash) and then the
   * running count to `onProgress`.
   */
  readonly read: (
    stream: ReadableStream<Uint8Array> | null,
    onProgress: (loaded: number) => void,
    onChunk?: (chunk: Uint8Array) => void,
  ) => Promise<void>;
  /** Whether the whole body is held in memory, from byte 0 (no sink, a response type that keeps it). */
  readonly holdsAll: () => boolean;
  /** The whole body held, as one array (joined once, and handed over so later). */
  readonly held: () => Uint8Array;
  /** Closes the sink and hands over the body. */
  readonly end: () => Promise<BodyResult>;
  /** Aborts the sink (taken or not) with `reason`; the exchange has failed. */
  readonly fail: (reason: unknown) => void;
}

const ignore = () => undefined;

/**
 * Creates the collected body of one exchange, starting at `offset` (a download resumed from a
 * stored state writes on into a sink that holds the first `offset` bytes).
 */
export function collectBody({ responseType, sink, keepBytes }: CollectOptions, offset = 0): CollectedBody {
  let writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  let kept: Uint8Array[] | undefined = sink === undefined && responseType !== 'none' ? [] : undefined;
  // Copies of the first bytes as they arrive: a large keepBytes costs only what the body has.
  let prefix: Uint8Array[] | undefined = keepBytes > 0 ? [] : undefined;
  let loaded = offset;
  const truncatable = typeof (sink as { truncate?: unknown } | undefined)?.truncate === 'function';
  const restartable = () => loaded === 0 || sink === undefined || truncatable;
  return {
    loaded: () => loaded,
    holdsAll: () => kept !== undefined && loaded === 0 && offset === 0,
    held() {
      const bytes = joined(kept ?? []);
      if (kept !== undefined) kept = [bytes];
      return bytes;
    },
    restartable,
    async restart() {
      if (!restartable()) return false;
      if (sink !== undefined && loaded > 0) {
        writer ??= sink.getWriter();
        await writer.write({ type: 'truncate', size: 0 } as unknown as Uint8Array);
      }
      if (kept !== undefined) kept = [];
      if (prefix !== undefined) prefix = [];
      loaded = 0;
      return true;
    },
    read(stream, onProgress, onChunk) {
      const took = (chunk: Uint8Array): undefined => {
        kept?.push(chunk);
        onChunk?.(chunk);
        onProgress(loaded);
      };
      const write = (chunk: Uint8Array): undefined => {
        (writer as WritableStreamDefaultWriter<Uint8Array>).write(chunk).catch(ignore);
        took(chunk);
      };
      const take = (chunk: Uint8Array) => {
        if (loaded < keepBytes) prefix?.push(chunk.slice(0, keepBytes - loaded));
        loaded += chunk.byteLength;
        if (sink === undefined) return took(chunk);
        writer ??= sink.getWriter();
        // Waiting only when the sink is full (or failed: its size is then null) saves a tick per chunk.
        if ((writer.desiredSize as number) > 0) return write(chunk);
        return writer.ready.then(() => write(chunk));
      };
      return readChunks(stream, take, () => loaded);
    },
    async end() {
      if (sink !== undefined) await (writer ?? sink.getWriter()).close();
      return { body: kept && bodyOf(kept, responseType), loaded, prefix: prefix && joined(prefix) };
    },
    fail(reason) {
      if (writer !== undefined) writer.abort(reason).catch(ignore);
      else if (sink !== undefined && !sink.locked) sink.abort(reason).catch(ignore);
    },
  };
}

function bodyOf(chunks: Uint8Array[], responseType: CollectOptions['responseType']): unknown {
  if (responseType === 'blob') return new Blob(chunks as BlobPart[]);
  const bytes = joined(chunks);
  if (responseType !== 'arrayBuffer') return new TextDecoder().decode(bytes);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
}

function joined(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concat(chunks);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
