/**
 * Streamed uploads in ONE headless Chromium page over HTTP/2, variants alternated upload by upload (the order reversed
 * every other round), each round's time paired with raw fetch's: finer than `npm run bench`'s Chromium table, whose
 * rounds run minutes apart. An A/A variant shows what a difference must exceed to mean anything. Not part of
 * `npm run bench`.
 *
 *   npm run build && node bench/ab-browser-upload.ts [--mib=64] [--rounds=30]
 *
 * Variants: raw fetch (a ReadableStream of 64 KiB views), raw fetch again (A/A), raw fetch through a stream built
 * like rx-transfer's counted stream (an iterator, a cancel hook, an abort listener), and rx-transfer's `transfer()`
 * with the default 64 KiB chunks, with every progress event delivered (`progressInterval: 0`) and with 256 KiB chunks.
 */
import { parseArgs } from 'node:util';
import { openBenchPage } from './browser-bench.ts';
import { median } from './measure.ts';
import { startServerProcess } from './server-process.ts';

const VARIANTS = [
  'raw fetch',
  'raw fetch again (A/A)',
  'raw fetch, counted stream',
  'rx-transfer',
  'rx-transfer, progressInterval 0',
  'rx-transfer, 256 KiB chunks',
] as const;

/** One upload in the page (sent as source text: it may use only its argument and `window.rxTransfer`). */
async function upload({ variant, url, size }: { variant: string; url: string; size: number }): Promise<number> {
  const page = globalThis as typeof globalThis & {
    bytes?: Uint8Array;
    rxTransfer: { transfer: (options: object) => { subscribe(observer: object): unknown } };
  };
  page.bytes ??= new Uint8Array(size).fill(7);
  const bytes = page.bytes;
  const chunk = 65_536;
  const started = performance.now();
  if (variant.startsWith('raw')) {
    let offset = 0;
    const next = () => {
      offset += chunk;
      return offset - chunk < bytes.byteLength
        ? { done: false as const, value: bytes.subarray(offset - chunk, offset) }
        : { done: true as const, value: undefined };
    };
    const controller = new AbortController();
    const source: UnderlyingDefaultSource<Uint8Array> = variant.endsWith('counted stream')
      ? {
          pull(stream) {
            const { done, value } = next();
            if (done) stream.close();
            else stream.enqueue(value);
          },
          async cancel() {},
        }
      : {
          pull(stream) {
            if (offset >= bytes.byteLength) return stream.close();
            stream.enqueue(bytes.subarray(offset, offset + chunk));
            offset += chunk;
          },
        };
    if (variant.endsWith('counted stream')) controller.signal.addEventListener('abort', () => undefined);
    const body = new ReadableStream(source, { highWaterMark: 0 });
    const signal = variant.endsWith('counted stream') ? controller.signal : undefined;
    await (await fetch(url, { method: 'POST', body, duplex: 'half', signal } as RequestInit)).json();
  } else {
    const progressInterval = variant.endsWith('progressInterval 0') ? 0 : 50;
    const uploadChunkSize = variant.endsWith('256 KiB chunks') ? 4 * chunk : chunk;
    await new Promise((complete, error) =>
      page.rxTransfer
        .transfer({ url, method: 'POST', body: bytes, progressInterval, uploadChunkSize })
        .subscribe({ complete, error }),
    );
  }
  return performance.now() - started;
}

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '64' }, rounds: { type: 'string', default: '30' } },
});
const size = Number(values.mib) * 1024 * 1024;
const rounds = Number(values.rounds);
const server = await startServerProcess(10 * 60_000);
const { page, version, close } = await openBenchPage(server.http2);
try {
  const url = `${server.http2}/upload`;
  const times = new Map<string, number[]>(VARIANTS.map((variant) => [variant, []]));
  for (const variant of VARIANTS) await page.evaluate(upload, { variant, url, size }); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse())
      times.get(variant)?.push(await page.evaluate(upload, { variant, url, size }));
  }
  const raw = times.get('raw fetch') as number[];
  console.log(`Chromium ${version}, HTTP/2, ${values.mib} MiB streamed uploads, ${rounds} paired rounds`);
  console.log(`${'variant'.padEnd(34)}median ms   throughput ratio to raw fetch (median of paired rounds)`);
  for (const [variant, list] of times) {
    const ratio = median(list.map((time, i) => (raw[i] as number) / time));
    console.log(`${variant.padEnd(34)}${median(list).toFixed(1).padStart(9)}   ${ratio.toFixed(3)}`);
  }
} finally {
  await close();
  await server.stop();
}
