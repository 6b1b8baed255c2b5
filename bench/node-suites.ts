import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { contenders, type Suite } from './contenders/index.ts';
import { countDownloadEvents, countUploadEvents, type EventCount } from './event-count.ts';
import { compare, type Job, type Measured, type Series } from './measure.ts';
import { BLOB_STREAM } from './report.ts';
import { SIZE } from './sizes.ts';

/** How many rounds, how many warm-up jobs each process runs first, and what to call after each job. */
export interface Rounds {
  readonly warmups: number;
  readonly runs: number;
  readonly onJob: (name: string, round: number) => void;
}

/** Runs `script` with Node and parses the last line it prints as JSON. */
export function runJson<T>(script: string, args: readonly string[]): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path, ...args], { timeout: 180_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${script} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T);
    });
  });
}

/**
 * Each contender's round is a fresh Node process (`job-process.ts`): warm-up jobs, then one timed job. In one
 * shared process the contenders slowed one another down (one's garbage collected in another's time, shared code
 * compiled for all their ways of calling it): raw fetch took 1.4-2.2 ms of CPU per MiB there, 1.1-1.5 alone.
 */
function suite(name: Suite, names: readonly string[], origin: string, rounds: Rounds, baseline = 'raw fetch') {
  const jobs: Record<string, Job> = Object.fromEntries(
    names.map((contender) => [
      contender,
      () => runJson<Measured>('./job-process.ts', [name, contender, origin, String(rounds.warmups)]),
    ]),
  );
  return compare(jobs, { runs: rounds.runs, warmups: 0, onJob: rounds.onJob, baseline });
}

/** Downloads of {@link SIZE} bytes over plain HTTP/1.1. */
export const downloadSuite = (origin: string, rounds: Rounds): Promise<Series[]> =>
  suite('download', Object.keys(contenders.download), origin, rounds);

/** Uploads of {@link SIZE} bytes held in memory. */
export const uploadSuite = (origin: string, rounds: Rounds): Promise<Series[]> =>
  suite('upload', Object.keys(contenders.upload), origin, rounds);

/** Uploads of a Blob of `BLOB_SIZE` bytes made in memory, against `fetch(blob.stream())`. */
export const blobSuite = (origin: string, rounds: Rounds): Promise<Series[]> =>
  suite('blob', Object.keys(contenders.blob), origin, rounds, BLOB_STREAM);

/** `QUEUE` (sizes.ts): 1,000 downloads of 64 KiB, 6 at a time: `transferAll` against a simple pool of raw fetches. */
export const queueSuite = (origin: string, rounds: Rounds): Promise<Series[]> =>
  suite('queue', Object.keys(contenders.queue), origin, rounds);

/** Sequential 1 KiB GETs, with the floor of any observable wrapper as a reference. */
export const smallSuite = (origin: string, rounds: Rounds): Promise<Series[]> =>
  suite('small', Object.keys(contenders.small), origin, rounds);

/** Progress events of a {@link SIZE} download and upload, with default sampling and with none. */
export async function eventCounts(origin: string): Promise<EventCount[]> {
  const url = `${origin}/download?size=${SIZE}`;
  const bytes = new Uint8Array(SIZE).fill(7);
  return [
    await countDownloadEvents(url),
    await countDownloadEvents(url, 0),
    await countUploadEvents(`${origin}/upload`, bytes),
    await countUploadEvents(`${origin}/upload`, bytes, 0),
  ];
}

/** Each contender's own CPU per small request with fetch answered in memory (`overhead-case.ts`), by contender. */
export async function overheadPerRequest(runs: number, onJob: Rounds['onJob']): Promise<Record<string, number>> {
  const names = Object.keys(contenders.small);
  const jobs = Object.fromEntries(names.map((name) => [name, () => runJson<Measured>('./overhead-case.ts', [name])]));
  const series = await compare(jobs, { runs, warmups: 0, onJob, baseline: 'raw fetch' });
  return Object.fromEntries(series.map((s) => [s.name, s.cpuPerUnit]));
}
