/** A `WritableStream` that counts the bytes it is given and drops them; `bytes()` reads the count. */
export function countingSink(): { sink: WritableStream<Uint8Array>; bytes: () => number } {
  let bytes = 0;
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      bytes += chunk.byteLength;
    },
  });
  return { sink, bytes: () => bytes };
}
