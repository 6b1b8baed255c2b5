/** Raw fetch, the baseline: a reader loop, a streamed upload in 64 KiB views, `arrayBuffer()` for small bodies. */

/** Reads a body to its end and counts its bytes, keeping nothing. */
export async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  if (body === null) return 0;
  const reader = body.getReader();
  let bytes = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.byteLength;
  return bytes;
}

/** A pull-driven stream over `bytes` in 64 KiB views, as a raw streamed upload would send it. */
function chunkedStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.subarray(offset, offset + 65_536));
        offset += 65_536;
      },
    },
    { highWaterMark: 0 },
  );
}

export const download = async (url: string): Promise<number> => drain((await fetch(url)).body);

export async function upload(url: string, bytes: Uint8Array): Promise<number> {
  const init = { method: 'POST', body: chunkedStream(bytes), duplex: 'half' };
  return ((await (await fetch(url, init as RequestInit)).json()) as { bytes: number }).bytes;
}

export const small = async (url: string): Promise<number> => (await (await fetch(url)).arrayBuffer()).byteLength;
