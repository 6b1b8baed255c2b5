import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compare, type Measured, type Series } from './measure.ts';
import type { Rounds } from './node-suites.ts';
import { TIMED_MESSAGES } from './sizes.ts';

const script = fileURLToPath(new URL('./messages-case.ts', import.meta.url));
/** Messages of the stream whose heap is sampled: the 100,000. */
export const MESSAGE_COUNT = 100_000;
/**
 * Warm-up jobs before the timed one, at least: a job of 100,000 messages lasts about 0.1 s, and after one warm-up V8
 * was still optimizing both contenders' code (the raw loop's CPU per job 65-108 ms after one, 39-40 ms after three or
 * six; rx-transfer's 122-148 ms after one, 54-63 ms after three or six: BENCHMARKS.md). A message stream that an app
 * keeps open runs at the steady state.
 */
export const MESSAGE_WARMUPS = 3;
/** The contender the message streams are measured against. */
export const RAW_LOOP = 'raw reader loop';
/** The raw loop's job run a second time in the same rounds: how far a ratio strays when nothing differs. */
export const RAW_LOOP_CONTROL = 'raw reader loop again (A/A control)';

/** What the `messages` section measured: throughput per format, and the heap across one stream of each. */
export interface MessagesResults {
  /** Messages per timed job. */
  readonly count: number;
  /** Messages of the stream whose heap was sampled. */
  readonly heapCount: number;
  readonly sse: Series[];
  readonly ndjson: Series[];
  /** Heap in use after a collection at every 10,000th message of one rx-transfer stream, per format. */
  readonly heap: { readonly format: string; readonly samples: number[] }[];
}

function runCase<T>(args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', script, ...args], { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`messages-case ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T);
    });
  });
}

/**
 * Messages per second through rx-transfer against a raw reader loop with the same parser, for SSE and NDJSON
 * (each job a fresh process, contenders in turn), and the heap over one stream of {@link MESSAGE_COUNT} messages.
 */
export async function messagesSuite(origin: string, rounds: Rounds): Promise<MessagesResults> {
  const count = String(TIMED_MESSAGES);
  const warmups = String(Math.max(rounds.warmups, MESSAGE_WARMUPS));
  const series = (format: string) => {
    const job = (name: string) => () => runCase<Measured>([name, origin, format, count, warmups]);
    const jobs = { [RAW_LOOP]: job(RAW_LOOP), 'rx-transfer': job('rx-transfer') };
    return compare(jobs, { runs: rounds.runs, warmups: 0, onJob: rounds.onJob, baseline: RAW_LOOP });
  };
  const sse = await series('sse');
  const ndjson = await series('ndjson');
  const heap = [];
  for (const format of ['sse', 'ndjson']) {
    const { heap: samples } = await runCase<{ heap: number[] }>([
      'rx-transfer',
      origin,
      format,
      String(MESSAGE_COUNT),
      '1',
      'memory',
    ]);
    heap.push({ format, samples });
  }
  return { count: TIMED_MESSAGES, heapCount: MESSAGE_COUNT, sse, ndjson, heap };
}
