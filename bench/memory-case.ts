/**
 * One memory case in a fresh process: `node --expose-gc bench/memory-case.ts <case> <http1 origin>`. Prints one JSON
 * line: the resident set before the exchange (after its input exists and a full GC), the peak during it, and the
 * growth between them. The peak is the kernel's high-water mark (VmHWM), reset just before the exchange through
 * /proc/self/clear_refs; where that is not allowed, RSS sampled every 2 ms stands in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ky from 'ky';
import { transfer } from 'rx-transfer';
import { lastValueFrom, tap } from 'rxjs';
import { countingSink } from './counting-sink.ts';

const MiB = 2 ** 20;
const [name = '', origin = ''] = process.argv.slice(2);

/** What each case needs before the exchange starts, and the exchange itself (resolving with the bytes moved). */
interface MemoryCase {
  prepare(): unknown;
  run(input: unknown): Promise<number>;
}

const download = (size: number) => `${origin}/download?size=${size}`;
const uploadSize = 512 * MiB;
const blobOf = (size: number) => new Blob([new Uint8Array(size).fill(1)]);

/** rx-transfer downloading `size` bytes into a sink that counts and drops them. */
const intoSink = (size: number): MemoryCase => ({
  prepare: () => undefined,
  run: async () => {
    const { sink, bytes } = countingSink();
    await lastValueFrom(transfer({ url: download(size), sink }));
    return bytes();
  },
});

/** rx-transfer uploading a Blob of `size` bytes, through a ky instance with retries on. */
const blobUpload = (size: number): MemoryCase => ({
  prepare: () => blobOf(size),
  run: async (body) => {
    const retrying = ky.create({ retry: { limit: 2, methods: ['put'] } });
    const event = await lastValueFrom(
      transfer<{ bytes: number }>({ url: `${origin}/upload`, method: 'PUT', body: body as Blob, ky: retrying }),
    );
    return event.type === 'complete' ? event.body.bytes : 0;
  },
});

/**
 * rx-transfer PUTting a Blob of `size` bytes, given to it as is. `'off'`: `retry: false`, and the server takes it at
 * once. Otherwise retries are on (the default policy, without the backoff's wait: nothing is collected while it idles)
 * and the server fails the first attempt: `'503'` after reading the whole body, with `Retry-After: 0`; `'drop'` by
 * cutting the connection half-way. `redirect: 'error'` where asked: the only mode in which Node's fetch keeps no copy
 * of a streamed body (it clones the request, teeing the body, for any other). The case fails unless the upload took
 * exactly the attempts it should.
 */
const retriedBlob = (size: number, fault: 'off' | '503' | 'drop', redirect?: 'error'): MemoryCase => ({
  prepare: () => blobOf(size),
  run: async (body) => {
    const key = `memory-${process.pid}-${Date.now()}`;
    const query = { off: '', '503': `?failOnce=${key}`, drop: `?failOnce=${key}&dropAt=${size / 2}` }[fault];
    let attempts = 0;
    const event = await lastValueFrom(
      transfer<{ bytes: number }>({
        url: `${origin}/upload${query}`,
        method: 'PUT',
        body: body as Blob,
        retry: fault === 'off' ? false : { delay: 0 },
        redirect,
      }).pipe(tap((seen) => seen.type === 'start' && attempts++)),
    );
    if (attempts !== (fault === 'off' ? 1 : 2)) throw new Error(`${attempts} attempts for a first attempt ${fault}`);
    return event.type === 'complete' ? event.body.bytes : 0;
  },
});

/** A raw streamed upload of a Blob in 64 KiB slices, redirects refused (so Node does not tee the body). */
const rawStreamedBlob = (size: number, gcEvery?: number): MemoryCase => ({
  prepare: () => blobOf(size),
  run: async (input) => {
    const blob = input as Blob;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (offset >= blob.size) return controller.close();
          controller.enqueue(new Uint8Array(await blob.slice(offset, offset + 65_536).arrayBuffer()));
          offset += 65_536;
          if (gcEvery !== undefined && offset % gcEvery === 0) globalThis.gc?.();
        },
      },
      { highWaterMark: 0 },
    );
    const init = { method: 'PUT', body, duplex: 'half', redirect: 'error' };
    return ((await (await fetch(`${origin}/upload`, init as RequestInit)).json()) as { bytes: number }).bytes;
  },
});

const cases: Record<string, MemoryCase> = {
  'rx-transfer 1 GiB into a sink': intoSink(1024 * MiB),
  'rx-transfer 4 GiB into a sink': intoSink(4096 * MiB),
  'rx-transfer 1 GiB into an ArrayBuffer': {
    prepare: () => undefined,
    run: async () => {
      const event = await lastValueFrom(transfer({ url: download(1024 * MiB), responseType: 'arrayBuffer' }));
      return event.type === 'complete' ? event.body.byteLength : 0;
    },
  },
  'raw fetch 1 GiB arrayBuffer()': {
    prepare: () => undefined,
    run: async () => (await (await fetch(download(1024 * MiB))).arrayBuffer()).byteLength,
  },
  'raw fetch 1 GiB reader loop': {
    prepare: () => undefined,
    run: async () => {
      const reader = ((await fetch(download(1024 * MiB))).body as ReadableStream<Uint8Array>).getReader();
      let bytes = 0;
      for (let next = await reader.read(); !next.done; next = await reader.read()) bytes += next.value.byteLength;
      return bytes;
    },
  },
  'raw fetch 1 GiB piped to a sink': {
    prepare: () => undefined,
    run: async () => {
      const { sink, bytes } = countingSink();
      await (await fetch(download(1024 * MiB))).body?.pipeTo(sink);
      return bytes();
    },
  },
  'raw fetch 1 GiB reader loop, gc every 16 MiB': {
    prepare: () => undefined,
    run: async () => {
      const reader = ((await fetch(download(1024 * MiB))).body as ReadableStream<Uint8Array>).getReader();
      let bytes = 0;
      let mark = 0;
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        bytes += next.value.byteLength;
        if (bytes - mark > 16 * MiB) {
          mark = bytes;
          globalThis.gc?.();
        }
      }
      return bytes;
    },
  },
  'raw fetch 512 MiB Blob upload': {
    prepare: () => blobOf(uploadSize),
    run: async (body) =>
      ((await (await fetch(`${origin}/upload`, { method: 'PUT', body: body as Blob })).json()) as { bytes: number })
        .bytes,
  },
  'rx-transfer 512 MiB Blob upload, ky retries on': blobUpload(uploadSize),
  'rx-transfer 2 GiB Blob upload, ky retries on': blobUpload(4 * uploadSize),
  'rx-transfer 512 MiB Blob PUT, retry: false': retriedBlob(uploadSize, 'off'),
  'rx-transfer 512 MiB Blob PUT, retried after a 503': retriedBlob(uploadSize, '503'),
  'rx-transfer 512 MiB Blob PUT, retried after a drop': retriedBlob(uploadSize, 'drop'),
  'rx-transfer 512 MiB Blob PUT, retry: false, redirect: error': retriedBlob(uploadSize, 'off', 'error'),
  'rx-transfer 512 MiB Blob PUT, retried after a 503, redirect: error': retriedBlob(uploadSize, '503', 'error'),
  'rx-transfer 512 MiB Blob PUT, retried after a drop, redirect: error': retriedBlob(uploadSize, 'drop', 'error'),
  'raw fetch 512 MiB Blob streamed in 64 KiB slices': rawStreamedBlob(uploadSize),
  'raw fetch 512 MiB Blob streamed, gc every 16 MiB': rawStreamedBlob(uploadSize, 16 * MiB),
  'raw fetch 2 GiB Blob streamed in 64 KiB slices': rawStreamedBlob(4 * uploadSize),
  'ky 512 MiB Blob upload, retries on (default)': {
    prepare: () => blobOf(uploadSize),
    run: async (body) =>
      (await ky.put(`${origin}/upload`, { body: body as Blob, timeout: false }).json<{ bytes: number }>()).bytes,
  },
};

const chosen = cases[name];
if (chosen === undefined) throw new Error(`unknown memory case ${name}; known: ${Object.keys(cases).join(', ')}`);
const input = chosen.prepare();
const gc = globalThis.gc ?? (() => undefined);
gc();
gc();
const rss = () => process.memoryUsage.rss();
const before = rss();
const highWaterMark = resetHighWaterMark();
let sampled = before;
const sampler = setInterval(() => {
  sampled = Math.max(sampled, rss());
}, 2);
const start = performance.now();
const bytes = await chosen.run(input);
const ms = performance.now() - start;
clearInterval(sampler);
const peak = Math.max(highWaterMark?.() ?? 0, sampled, rss());
console.log(
  JSON.stringify({
    name,
    bytes,
    ms,
    before,
    peak,
    growth: peak - before,
    peakSource: highWaterMark ? 'VmHWM' : 'sampled',
  }),
);

/** Resets the kernel's peak-RSS mark; returns a reader for it, or `undefined` where the kernel does not allow it. */
function resetHighWaterMark(): (() => number) | undefined {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return () => {
      const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      return kib === undefined ? 0 : Number(kib) * 1024;
    };
  } catch {
    return undefined;
  }
}
