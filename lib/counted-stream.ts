/**
 * Wraps chunks in a pull-driven `ReadableStream` (high-water mark 0) that counts a chunk as
 * sent only when the consumer pulls the next one, or the end: enqueuing is not sending
 * (the mistake behind ky#694's fake-fast upload progress).
 *
 * @param onSent - called with the running total each time a chunk has been taken
 * @param onEnd - called once, after the last chunk has been taken
 * @param onError - called with the source's own error, which fetch would hide behind its own
 * @param signal - aborting it releases the source at once, whether or not fetch cancels the stream
 */
export function countedStream(
  chunks: AsyncIterator<Uint8Array>,
  onSent: (sent: number) => void,
  onEnd: () => void,
  onError: (error: unknown) => void,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  signal.addEventListener('abort', () => void chunks.return?.(signal.reason), { once: true });
  let sent = 0;
  let inFlight = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (inFlight > 0) {
          sent += inFlight;
          inFlight = 0;
          onSent(sent);
        }
        let next: IteratorResult<Uint8Array>;
        try {
          do next = await chunks.next();
          while (!next.done && next.value.byteLength === 0);
        } catch (error) {
          onError(error);
          throw error;
        }
        if (next.done) {
          controller.close();
          onEnd();
          return;
        }
        inFlight = next.value.byteLength;
        controller.enqueue(next.value);
      },
      async cancel(reason) {
        await chunks.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
