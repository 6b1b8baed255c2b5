/** A body read that failed part-way; `loaded` is the body's count then, `cause` the platform's error. */
export class BodyReadError extends Error {
  readonly loaded: number;

  constructor(loaded: number, cause: unknown) {
    super(`Response body read failed after ${loaded} bytes`, { cause });
    this.loaded = loaded;
  }
}

const ignore = () => undefined;

/**
 * Reads `stream` to its end, a chunk at a time, handing each to `take` and waiting when it returns
 * a promise (a full sink) before the next read. A read that fails throws a {@link BodyReadError}
 * with `loaded()` at that moment; any failure, a read's or `take`'s, cancels the stream with it.
 * A `take` that returns nothing costs no tick: the next read follows at once.
 */
export async function readChunks(
  stream: ReadableStream<Uint8Array> | null | undefined,
  take: (chunk: Uint8Array) => Promise<void> | undefined,
  loaded: () => number,
): Promise<void> {
  const reader = stream?.getReader();
  if (reader === undefined) return;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new BodyReadError(loaded(), error);
      }
      if (next.done) return;
      const waiting = take(next.value);
      if (waiting !== undefined) await waiting;
    }
  } catch (error) {
    await reader.cancel(error).catch(ignore);
    throw error;
  }
}
