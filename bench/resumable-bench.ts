import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compare, type Measured, median, type Series } from './measure.ts';
import type { Rounds } from './node-suites.ts';

const MiB = 2 ** 20;
const script = fileURLToPath(new URL('./resumable-case.ts', import.meta.url));
/** The throughput uploads' size, and the memory case's. */
export const RESUMABLE_SIZES = { throughputMiB: 256, memoryMiB: 1024 } as const;
/** The chunk sizes compared (MiB). */
export const CHUNK_SIZES = [1, 8, 16, 32] as const;
const PLAIN = 'plain streamed upload (one POST)';

/** One 1 GiB resumable upload's memory at one chunk size. */
export interface ResumableMemory {
  readonly chunkMiB: number;
  readonly growths: number[];
  readonly medianGrowth: number;
  readonly peakSource: string;
}

/** The `resumable` section: throughput against a plain streamed upload, and memory at each chunk size. */
export interface ResumableResults {
  readonly throughput: Series[];
  readonly memory: ResumableMemory[];
}

interface CaseReport extends Measured {
  readonly growth: number;
  readonly peakSource: string;
}

function runCase(args: readonly string[]): Promise<CaseReport> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, ...args], { timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`resumable case ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as CaseReport);
    });
  });
}

/**
 * Uploads of a 256 MiB Blob to the IETF server (`/resumable/`, HTTP/1.1), each in a fresh process: `resumableUpload`
 * at each of {@link CHUNK_SIZES} against one streamed `transfer` of the same Blob to the same server; then one 1 GiB
 * resumable upload per chunk size, `repeats` times, for its peak RSS growth (O(chunk), not O(body)).
 */
export async function resumableSuite(origin: string, rounds: Rounds, repeats: number): Promise<ResumableResults> {
  const size = String(RESUMABLE_SIZES.throughputMiB);
  const jobs = {
    [PLAIN]: () => runCase(['plain', origin, size]),
    ...Object.fromEntries(
      CHUNK_SIZES.map((chunk) => [
        `resumable, ${chunk} MiB chunks`,
        () => runCase(['resumable', origin, size, `${chunk}`]),
      ]),
    ),
  };
  const throughput = await compare(jobs, { runs: rounds.runs, warmups: 0, onJob: rounds.onJob, baseline: PLAIN });
  const memory: ResumableMemory[] = [];
  for (const chunk of CHUNK_SIZES) {
    const reports: CaseReport[] = [];
    for (let i = 0; i < repeats; i++) {
      rounds.onJob(`1 GiB resumable, ${chunk} MiB chunks (memory)`, i);
      reports.push(await runCase(['resumable', origin, String(RESUMABLE_SIZES.memoryMiB), `${chunk}`]));
    }
    const growths = reports.map((report) => report.growth);
    memory.push({ chunkMiB: chunk, growths, medianGrowth: median(growths), peakSource: reports[0]?.peakSource ?? '' });
  }
  return { throughput, memory };
}

/** The section's lines for the report. */
export function renderResumable({ throughput, memory }: ResumableResults): string[] {
  const mib = (bytes: number) => (bytes / MiB).toFixed(1);
  return [
    `Node, HTTP/1.1: resumable upload of ${RESUMABLE_SIZES.throughputMiB} MiB to the IETF server   MiB/s   ratio  (per-round range)  client CPU ms/MiB`,
    ...throughput.map(
      (series) =>
        `  ${series.name.padEnd(40)} ${(series.median / MiB).toFixed(1).padStart(7)}   ${series.ratio.toFixed(3)}  (${series.ratioRange
          .map((ratio) => ratio.toFixed(2))
          .join('-')})          ${((series.cpuPerUnit * MiB) / 1000).toFixed(2)}`,
    ),
    '',
    `Node: ${RESUMABLE_SIZES.memoryMiB} MiB resumable upload, peak RSS growth (median of each)   MiB   (each run)   chunk`,
    ...memory.map(
      (case_) =>
        `  ${`${case_.chunkMiB} MiB chunks`.padEnd(40)} ${mib(case_.medianGrowth).padStart(7)}   (${case_.growths.map(mib).join(', ')})   ${case_.chunkMiB} MiB, ${case_.peakSource}`,
    ),
  ];
}
