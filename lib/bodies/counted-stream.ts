/** A source of request body chunks: in-memory bytes answer at once, a Blob or a stream later. */
export interface ChunkSource {
  next(): IteratorResult<Uint8Array, undefined> | Promise<IteratorResult<Uint8Array, undefined>>;
  /** Releases the source (cancels a stream being read); safe to call more than once. */
  return?(reason?: unknown): Promise<unknown>;
}

/** What the counted stream reports as the network takes the body. */
export interface CountedListener {
  /** Called with the running total each time a chunk has been taken. */
  readonly onSent: (sent: number) => void;
  /** Called once, after the last chunk has been taken. */
  readonly onEnd: () => void;
  /** Called with the source's own error, which fetch would hide behind its own. */
  readonly onError: (error: unknown) => void;
}

/** A request body as a counted stream, and the means to end it in error. */
export interface CountedStream {
  readonly stream: ReadableStream<Uint8Array>;
  /**
   * Ends the body in error (never a clean end: a server must not take a cut body for a whole
   * one) and releases the source, unless the body has already ended; safe to call more than once.
   * Once the request is `over` (its fetch answered or failed), the body is closed instead:
   * nothing can take it for a whole one then. Returns whether the body is ended in error, now or
   * before (its source failed): then the fetch that carries it fails by itself, and false when
   * the body had gone whole (that fetch ends only when answered or aborted).
   */
  readonly release: (reason: unknown, over?: boolean) => boolean;
}

/** The reason a released body is to end in error with, once the consumer reads it again. */
interface Parked {
  readonly reason: unknown;
}

/**
 * Wraps chunks in a pull-driven `ReadableStream` (high-water mark 0) that counts a chunk as
 * sent only when the consumer pulls the next one, or the end: enqueuing is not sending
 * (the mistake behind ky#694's fake-fast upload progress). A chunk that is ready at once is
 * enqueued without waiting a tick.
 *
 * Released while the consumer waits on a read, the body ends in error at once. Released while it
 * does not (it is still sending what it took, or a stalled server has stopped taking more), the
 * error waits for its next read: an errored body that no read ever reaches still fails nothing,
 * and Chromium, whose fetch is then aborted, cancels it and leaves the rejection of that cancel
 * unhandled ("Uncaught (in promise)" in the page). Left readable, the cancel succeeds.
 */
export function countedStream(chunks: ChunkSource, listener: CountedListener): CountedStream {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let sent = 0;
  let inFlight = 0;
  let finished = false;
  let whole = false;
  // Whether the consumer waits on a read: from the pull until its chunk, end or error.
  let reading = false;
  let parked: Parked | undefined;
  const release = (reason: unknown, over = false) => {
    if (!finished) {
      finished = true;
      if (over) controller.close();
      else if (reading) controller.error(reason);
      else parked = { reason };
      void chunks.return?.(reason);
    }
    return !over && !whole;
  };
  const fail = (error: unknown) => {
    finished = true;
    reading = false;
    listener.onError(error);
    void chunks.return?.(error);
    throw error;
  };
  const deliver = ({ done, value }: IteratorResult<Uint8Array, undefined>): Promise<void> | undefined => {
    if (finished) return;
    if (value?.byteLength === 0) return pull();
    reading = false;
    if (done) {
      finished = whole = true;
      controller.close();
      listener.onEnd();
    } else {
      inFlight = value.byteLength;
      controller.enqueue(value);
    }
  };
  const pull = (): Promise<void> | undefined => {
    let next: ReturnType<ChunkSource['next']>;
    try {
      next = chunks.next();
    } catch (error) {
      return fail(error);
    }
    return next instanceof Promise ? next.then(deliver, fail) : deliver(next);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (parked !== undefined) return controller.error(parked.reason);
        reading = true;
        if (inFlight > 0) {
          sent += inFlight;
          inFlight = 0;
          listener.onSent(sent);
        }
        return pull();
      },
      async cancel(reason) {
        finished = true;
        await chunks.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, release };
}
