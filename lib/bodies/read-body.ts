import type { ResponseType } from '../core/options.js';

/** How {@link readBody} reads one response body. */
export interface ReadBodyOptions {
  readonly responseType: Exclude<ResponseType, 'stream'>;
  readonly sink: WritableStream<Uint8Array> | undefined;
  readonly keepBytes: number;
  /** Called after each chunk with the running count of decoded bytes. */
  readonly onProgress: (loaded: number) => void;
}

/** The outcome of reading a body to its end. */
export interface BodyResult {
  /** The collected body: a string for `'json'` and `'text'` (parsed by the caller), else as asked. */
  readonly body: unknown;
  readonly loaded: number;
  readonly prefix: Uint8Array | undefined;
}

/** A body read that failed part-way; `cause` is the platform's error. */
export class BodyReadError extends Error {
  readonly loaded: number;

  constructor(loaded: number, cause: unknown) {
    super(`Response body read failed after ${loaded} bytes`, { cause });
    this.loaded = loaded;
  }
}

const ignore = () => undefined;

/**
 * Reads `stream` to its end, counting decoded bytes. Read errors are rethrown with the
 * count so far on `loaded` of {@link BodyReadError}. A sink, if any, is written with
 * backpressure, closed at the end and aborted on failure.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  { responseType, sink, keepBytes, onProgress }: ReadBodyOptions,
): Promise<BodyResult> {
  const writer = sink?.getWriter();
  const kept: Uint8Array[] | undefined = writer === undefined && responseType !== 'none' ? [] : undefined;
  // Copies of the first bytes as they arrive: a large keepBytes costs only what the body has.
  const prefix: Uint8Array[] | undefined = keepBytes > 0 ? [] : undefined;
  const reader = stream?.getReader();
  let loaded = 0;
  try {
    while (reader !== undefined) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new BodyReadError(loaded, error);
      }
      if (next.done) break;
      const chunk = next.value;
      if (loaded < keepBytes) prefix?.push(chunk.slice(0, keepBytes - loaded));
      loaded += chunk.byteLength;
      if (writer !== undefined) {
        // Waiting only when the sink is full (or failed: its size is then null) saves a tick per chunk.
        if (!((writer.desiredSize as number) > 0)) await writer.ready;
        writer.write(chunk).catch(ignore);
      }
      kept?.push(chunk);
      onProgress(loaded);
    }
    if (writer !== undefined) await writer.close();
    return {
      body: kept && bodyOf(kept, responseType),
      loaded,
      prefix: prefix && joined(prefix),
    };
  } catch (error) {
    writer?.abort(error).catch(ignore);
    await reader?.cancel(error).catch(ignore);
    throw error;
  }
}

function bodyOf(chunks: Uint8Array[], responseType: ReadBodyOptions['responseType']): unknown {
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
