/** A source of request body chunks: in-memory bytes answer at once, a Blob or a stream later. */
export interface ChunkSource {
  next(): IteratorResult<Uint8Array, undefined> | Promise<IteratorResult<Uint8Array, undefined>>;
  /** Releases the source (cancels a stream being read); safe to call more than once. */
  return?(reason?: unknown): Promise<unknown>;
}

/**
 * Wraps chunks in a pull-driven `ReadableStream` (high-water mark 0) that counts a chunk as
 * sent only when the consumer pulls the next one, or the end: enqueuing is not sending
 * (the mistake behind ky#694's fake-fast upload progress). A chunk that is ready at once is
 * enqueued without waiting a tick.
 *
 * @param onSent - called with the running total each time a chunk has been taken
 * @param onEnd - called once, after the last chunk has been taken
 * @param onError - called with the source's own error, which fetch would hide behind its own
 * @param signal - aborting it releases the source at once, whether or not fetch cancels the stream
 */
export function countedStream(
  chunks: ChunkSource,
  onSent: (sent: number) => void,
  onEnd: () => void,
  onError: (error: unknown) => void,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  signal.addEventListener('abort', () => void chunks.return?.(signal.reason), { once: true });
  let sent = 0;
  let inFlight = 0;
  const fail = (error: unknown) => {
    onError(error);
    throw error;
  };
  const pull = (controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> | undefined => {
    let next: ReturnType<ChunkSource['next']>;
    try {
      next = chunks.next();
    } catch (error) {
      return fail(error);
    }
    const deliver = ({ done, value }: IteratorResult<Uint8Array, undefined>) => {
      if (done) {
        controller.close();
        onEnd();
      } else if (value.byteLength === 0) {
        return pull(controller);
      } else {
        inFlight = value.byteLength;
        controller.enqueue(value);
      }
    };
    return next instanceof Promise ? next.then(deliver, fail) : deliver(next);
  };
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (inFlight > 0) {
          sent += inFlight;
          inFlight = 0;
          onSent(sent);
        }
        return pull(controller);
      },
      async cancel(reason) {
        await chunks.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
