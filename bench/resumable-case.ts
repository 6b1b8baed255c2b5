/**
 * One upload to the IETF resumable-upload server in a fresh process:
 * `node --expose-gc bench/resumable-case.ts <plain|resumable> <http1 origin> <MiB> [<chunk MiB>]`. `resumable` is
 * `resumableUpload` (IETF draft -11) of a Blob of `MiB`; `plain` is one streamed `transfer` of the same Blob to the
 * same server (a creation with `Upload-Complete: ?1` and the whole body: stored the same way, in one request). The
 * upload is deleted after. Prints one JSON line: `{ units, ms, cpuMicros, growth, peakSource }`, the growth being the
 * kernel's peak RSS (VmHWM, reset just before) over the RSS before, as memory-case.ts measures it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { transfer } from 'rx-transfer';
import { resumableUpload } from 'rx-transfer/resumable';
import { lastValueFrom } from 'rxjs';

const MiB = 2 ** 20;
const [kind = 'resumable', origin = '', sizeMiB = '256', chunkMiB = '8'] = process.argv.slice(2);
const blob = new Blob([new Uint8Array(Number(sizeMiB) * MiB).fill(7)]);
const endpoint = `${origin}/resumable/`;

async function upload(): Promise<string> {
  if (kind === 'plain') {
    const headers = { 'upload-draft-interop-version': '8', 'upload-complete': '?1' };
    // The server's Repr-Digest is of the stored upload, not of this answer's (empty) body.
    const request = {
      url: endpoint,
      method: 'POST',
      headers,
      body: blob,
      responseType: 'none',
      retry: false,
      digest: 'off',
    } as const;
    const last = await lastValueFrom(transfer(request));
    if (last.type !== 'complete' || last.status !== 201) throw new Error(`plain upload: ${last.type}`);
    return new URL(last.headers.get('location') ?? '', endpoint).href;
  }
  const events = resumableUpload({
    endpoint,
    protocol: 'ietf',
    body: blob,
    chunkSize: Number(chunkMiB) * MiB,
    store: false,
  });
  const last = await lastValueFrom(events);
  if (last.type !== 'complete') throw new Error(`resumable upload: ${last.type}`);
  return last.url;
}

globalThis.gc?.();
globalThis.gc?.();
const before = process.memoryUsage.rss();
const highWaterMark = resetHighWaterMark();
const cpu = process.cpuUsage();
const start = performance.now();
const url = await upload();
const ms = performance.now() - start;
const { user, system } = process.cpuUsage(cpu);
const peak = Math.max(highWaterMark?.() ?? 0, process.memoryUsage.rss());
await fetch(url, { method: 'DELETE', headers: { 'upload-draft-interop-version': '8' } });
console.log(
  JSON.stringify({
    units: blob.size,
    ms,
    cpuMicros: user + system,
    growth: peak - before,
    peakSource: highWaterMark ? 'VmHWM' : 'rss at the end',
  }),
);

/** Resets the kernel's peak-RSS mark; returns a reader for it, or `undefined` where the kernel does not allow it. */
function resetHighWaterMark(): (() => number) | undefined {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return undefined;
  }
}
