import { ResumableUploadError } from './resumable-upload-error.js';

/** One chunk of the body, to append at its offset. */
export interface Chunk {
  readonly data: Blob | Uint8Array;
  readonly size: number;
  /** Nothing of the body follows it. */
  readonly last: boolean;
}

/** The body of an upload, read chunk by chunk from any offset the server names. */
export interface ChunkSource {
  /** The body's size, `undefined` for a stream. */
  readonly size: number | undefined;
  /** The chunk of at most `length` bytes at `offset`. */
  read(offset: number, length: number): Promise<Chunk>;
  /** Releases the source (a stream is cancelled). */
  close(reason?: unknown): void;
}

/** A Blob's chunks are slices: nothing is read before the transport reads it, and any offset can be read again. */
export function blobSource(blob: Blob): ChunkSource {
  return {
    size: blob.size,
    async read(offset, length) {
      const end = Math.min(blob.size, offset + length);
      return { data: blob.slice(offset, end), size: end - offset, last: end === blob.size };
    },
    close: () => undefined,
  };
}

/**
 * A stream's chunks: the bytes from the oldest offset the server may still ask for are held, at
 * most one chunk and one read of the stream more, so an append can be sent again, but nothing
 * before the chunk under way: a server that goes back further fails the upload.
 */
export function streamSource(stream: ReadableStream<Uint8Array>, owner: { method: string; url: string }): ChunkSource {
  const reader = stream.getReader();
  let held: Uint8Array = new Uint8Array(0);
  let heldFrom = 0;
  let done = false;
  return {
    size: undefined,
    async read(offset, length) {
      if (offset < heldFrom || offset > heldFrom + held.byteLength) {
        throw new ResumableUploadError(
          `the server holds ${offset} bytes, but a stream body keeps only bytes ${heldFrom} to ${heldFrom + held.byteLength}`,
          owner.method,
          owner.url,
        );
      }
      held = held.subarray(offset - heldFrom);
      heldFrom = offset;
      // One byte more than the chunk tells whether the chunk is the last.
      while (!done && held.byteLength <= length) {
        const next = await reader.read();
        if (next.done) done = true;
        else held = joined(held, next.value);
      }
      const size = Math.min(length, held.byteLength);
      return { data: held.slice(0, size), size, last: done && size === held.byteLength };
    },
    close: (reason) => void reader.cancel(reason).catch(() => undefined),
  };
}

function joined(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (first.byteLength === 0) return second;
  const both = new Uint8Array(first.byteLength + second.byteLength);
  both.set(first);
  both.set(second, first.byteLength);
  return both;
}
