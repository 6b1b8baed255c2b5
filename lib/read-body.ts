import type { ResponseType } from './options.js';

/** What to do with each chunk of a response body, and what to make of them at the end. */
interface BodyCollector {
  add(chunk: Uint8Array): void | Promise<void>;
  finish(): unknown | Promise<unknown>;
  fail(reason: unknown): void;
}

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

/**
 * Reads `stream` to its end, counting decoded bytes. Read errors are rethrown with the
 * count so far on `loaded` of {@link BodyReadError}. A sink, if any, is written with
 * backpressure, closed at the end and aborted on failure.
 */
export async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  options: ReadBodyOptions,
): Promise<BodyResult> {
  const collector = options.sink === undefined ? collectorFor(options.responseType) : sinkCollector(options.sink);
  const prefix = options.keepBytes > 0 ? new Uint8Array(options.keepBytes) : undefined;
  let loaded = 0;
  const reader = stream?.getReader();
  try {
    for (;;) {
      const next = await readNext(reader, loaded);
      if (next === undefined) break;
      if (prefix !== undefined && loaded < prefix.byteLength)
        prefix.set(next.subarray(0, prefix.byteLength - loaded), loaded);
      loaded += next.byteLength;
      await collector.add(next);
      options.onProgress(loaded);
    }
    const body = await collector.finish();
    return { body, loaded, prefix: prefix?.subarray(0, Math.min(loaded, prefix.byteLength)) };
  } catch (error) {
    collector.fail(error);
    await reader?.cancel(error).catch(() => undefined);
    throw error;
  }
}

/** A body read that failed part-way; `cause` is the platform's error. */
export class BodyReadError extends Error {
  readonly loaded: number;

  constructor(loaded: number, cause: unknown) {
    super(`Response body read failed after ${loaded} bytes`, { cause });
    this.loaded = loaded;
  }
}

async function readNext(reader: ReadableStreamDefaultReader<Uint8Array> | undefined, loaded: number) {
  if (reader === undefined) return undefined;
  try {
    const { done, value } = await reader.read();
    return done ? undefined : value;
  } catch (error) {
    throw new BodyReadError(loaded, error);
  }
}

function collectorFor(responseType: ReadBodyOptions['responseType']): BodyCollector {
  if (responseType === 'json' || responseType === 'text') return textCollector();
  const chunks: Uint8Array[] = [];
  const keep = responseType !== 'none';
  return {
    add: (chunk) => {
      if (keep) chunks.push(chunk);
    },
    finish: () =>
      responseType === 'blob' ? new Blob(chunks as BlobPart[]) : responseType === 'none' ? undefined : concat(chunks),
    fail: () => undefined,
  };
}

function textCollector(): BodyCollector {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  return {
    add: (chunk) => {
      parts.push(decoder.decode(chunk, { stream: true }));
    },
    finish: () => parts.join('') + decoder.decode(),
    fail: () => undefined,
  };
}

function sinkCollector(sink: WritableStream<Uint8Array>): BodyCollector {
  const writer = sink.getWriter();
  return {
    add: async (chunk) => {
      await writer.ready;
      writer.write(chunk).catch(() => undefined);
    },
    finish: async () => {
      await writer.close();
      return undefined;
    },
    fail: (reason) => {
      writer.abort(reason).catch(() => undefined);
    },
  };
}

function concat(chunks: readonly Uint8Array[]): ArrayBuffer {
  const size = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined.buffer;
}
