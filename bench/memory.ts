import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './measure.ts';

const script = fileURLToPath(new URL('./memory-case.ts', import.meta.url));
const MiB = 2 ** 20;

/** A memory case of `memory-case.ts`, and the growth it must stay under when it is a target. */
export interface MemoryCaseSpec {
  readonly name: string;
  readonly limit?: number;
  readonly note: string;
}

/** The memory cases, in the order they run. */
export const memoryCases: readonly MemoryCaseSpec[] = [
  { name: 'rx-transfer 1 GiB into a sink', limit: 64 * MiB, note: 'target' },
  { name: 'rx-transfer 4 GiB into a sink', note: '4x the body: same growth, nothing kept' },
  { name: 'raw fetch 1 GiB reader loop', note: 'floor: keeps nothing' },
  { name: 'raw fetch 1 GiB piped to a sink', note: 'floor: the same sink, by pipeTo' },
  { name: 'raw fetch 1 GiB reader loop, gc every 16 MiB', note: 'floor with garbage collected as it goes' },
  { name: 'rx-transfer 1 GiB into an ArrayBuffer', note: 'body kept' },
  { name: 'raw fetch 1 GiB arrayBuffer()', note: 'body kept' },
  { name: 'rx-transfer 512 MiB Blob upload, ky retries on', limit: 64 * MiB, note: 'target' },
  { name: 'rx-transfer 2 GiB Blob upload, ky retries on', note: '4x the body: same growth, nothing kept' },
  { name: 'raw fetch 512 MiB Blob streamed in 64 KiB slices', note: 'floor: what a streamed upload costs' },
  { name: 'raw fetch 2 GiB Blob streamed in 64 KiB slices', note: 'floor at 4x the body' },
  { name: 'raw fetch 512 MiB Blob streamed, gc every 16 MiB', note: 'floor with garbage collected as it goes' },
  { name: 'raw fetch 512 MiB Blob upload', note: 'Node tees the body: whole copy' },
  { name: 'ky 512 MiB Blob upload, retries on (default)', note: 'retry clone: whole copy' },
];

/** One case's outcome over its repetitions. */
export interface MemoryResult extends MemoryCaseSpec {
  /** RSS growth of each repetition, in bytes. */
  readonly growths: number[];
  readonly medianGrowth: number;
  readonly medianMs: number;
  readonly bytes: number;
  readonly peakSource: string;
}

interface ChildReport {
  bytes: number;
  ms: number;
  growth: number;
  peakSource: string;
}

/** Runs `spec` `repeats` times, each in a fresh Node process, against the server at `origin`. */
export async function runMemoryCase(spec: MemoryCaseSpec, origin: string, repeats: number): Promise<MemoryResult> {
  const reports: ChildReport[] = [];
  for (let i = 0; i < repeats; i++) reports.push(await runChild(spec.name, origin));
  const first = reports[0] as ChildReport;
  return {
    ...spec,
    growths: reports.map((report) => report.growth),
    medianGrowth: median(reports.map((report) => report.growth)),
    medianMs: median(reports.map((report) => report.ms)),
    bytes: first.bytes,
    peakSource: first.peakSource,
  };
}

function runChild(name: string, origin: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', script, name, origin];
    execFile(process.execPath, args, { timeout: 120_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`memory case "${name}" failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildReport);
    });
  });
}
