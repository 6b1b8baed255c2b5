/** What a {@link memorySink} was given, and how it ended. */
export interface MemorySink {
  readonly sink: WritableStream<Uint8Array>;
  /** Every byte written so far, truncations applied. */
  readonly bytes: () => Uint8Array;
  readonly state: { aborted: unknown; closed: boolean };
}

/**
 * A sink that keeps what it is written in memory; `truncatable` gives it the `truncate` method and `{ type:
 * 'truncate' }` writes of a `FileSystemWritableFileStream` (which rx-transfer uses to start a sink again from 0).
 */
export function memorySink(truncatable: boolean): MemorySink {
  let chunks: Uint8Array[] = [];
  const state = { aborted: undefined as unknown, closed: false };
  const sink = new WritableStream<Uint8Array | { type: 'truncate'; size: number }>({
    write(chunk) {
      if (chunk instanceof Uint8Array) chunks.push(chunk.slice());
      else chunks = [joined(chunks).subarray(0, chunk.size)];
    },
    close() {
      state.closed = true;
    },
    abort(reason) {
      state.aborted = reason;
    },
  });
  if (truncatable) Object.assign(sink, { truncate: () => undefined });
  return { sink: sink as WritableStream<Uint8Array>, bytes: () => joined(chunks), state };
}

function joined(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
