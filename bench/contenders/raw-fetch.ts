/**
 * Raw fetch, the baseline: a reader loop, a streamed upload in 64 KiB views, a Blob given whole or as its stream,
 * `arrayBuffer()` for small bodies.
 */
import { countingSink } from '../counting-sink.ts';

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

/** Raw fetch piped into the same counting `WritableStream` sink the rx-transfer sink case writes to. */
export async function downloadIntoSink(url: string): Promise<number> {
  const { sink, bytes } = countingSink();
  const { body } = await fetch(url);
  await body?.pipeTo(sink);
  return bytes();
}

export async function upload(url: string, bytes: Uint8Array): Promise<number> {
  const init = { method: 'POST', body: chunkedStream(bytes), duplex: 'half' };
  return ((await (await fetch(url, init as RequestInit)).json()) as { bytes: number }).bytes;
}

/** `fetch(url, { method: 'POST', body: blob })`: Node's fetch streams the Blob itself, with its Content-Length. */
export async function blobUpload(url: string, blob: Blob): Promise<number> {
  return ((await (await fetch(url, { method: 'POST', body: blob })).json()) as { bytes: number }).bytes;
}

/** `fetch(url, { method: 'POST', body: blob.stream(), duplex: 'half' })`: the Blob's own stream, sent chunked. */
export async function blobStreamUpload(url: string, blob: Blob): Promise<number> {
  const init = { method: 'POST', body: blob.stream(), duplex: 'half' };
  return ((await (await fetch(url, init as RequestInit)).json()) as { bytes: number }).bytes;
}

/** A simple pool: `concurrency` workers, each fetching the next URL and reading its body whole, until none is left. */
export async function pool(urls: readonly string[], concurrency: number): Promise<number> {
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++] as string;
      // Read first, then add: `bytes += await …` reads `bytes` before the wait, and the workers' sums would be lost.
      const body = await (await fetch(url)).arrayBuffer();
      bytes += body.byteLength;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return bytes;
}

export const small = async (url: string): Promise<number> => (await (await fetch(url)).arrayBuffer()).byteLength;

/**
 * Raw fetch given an `AbortSignal`, the least any client that can cancel a request must do: Node's fetch then ties
 * the signal to its request (a listener, a WeakRef and a finalizer each time).
 */
export async function smallWithSignal(url: string): Promise<number> {
  const controller = new AbortController();
  return (await (await fetch(url, { signal: controller.signal })).arrayBuffer()).byteLength;
}
