/**
 * One contender's job in a process of its own, so that no other contender's libraries, garbage, compiled code or
 * connections weigh on it: `node bench/job-process.ts <suite> <contender> <origin> <warm-ups>`. Runs the warm-up
 * jobs, then one timed job; prints one JSON line `{ units, ms, cpuMicros, heapBytes, majorGcs, gcMs }`: the heap in
 * use as the timed job began, and the full (mark-compact) collections and all collection pauses during it.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { loadContender, type Suite } from './contenders/index.ts';
import { BLOB_SIZE, QUEUE, SIZE, SMALL_REQUESTS } from './sizes.ts';

const [suite = 'small', name = '', origin = '', warmups = '1'] = process.argv.slice(2) as [
  Suite,
  string,
  string,
  string,
];

async function jobOf(): Promise<() => Promise<number>> {
  if (suite === 'download') {
    const run = await loadContender<(url: string) => Promise<number>>(suite, name);
    return () => run(`${origin}/download?size=${SIZE}`);
  }
  if (suite === 'upload') {
    const run = await loadContender<(url: string, bytes: Uint8Array) => Promise<number>>(suite, name);
    const bytes = new Uint8Array(SIZE).fill(7);
    return () => run(`${origin}/upload`, bytes);
  }
  if (suite === 'blob') {
    const run = await loadContender<(url: string, blob: Blob) => Promise<number>>(suite, name);
    const blob = new Blob([new Uint8Array(BLOB_SIZE).fill(7)]);
    return () => run(`${origin}/upload`, blob);
  }
  if (suite === 'queue') {
    const run = await loadContender<(urls: readonly string[], concurrency: number) => Promise<number>>(suite, name);
    const urls = Array.from({ length: QUEUE.items }, () => `${origin}/download?size=${QUEUE.bytes}`);
    return async () => {
      const bytes = await run(urls, QUEUE.concurrency);
      if (bytes !== QUEUE.items * QUEUE.bytes)
        throw new Error(`${name}: ${bytes} bytes, not ${QUEUE.items * QUEUE.bytes}`);
      return bytes;
    };
  }
  const run = await loadContender<(url: string) => Promise<number>>(suite, name);
  return async () => {
    for (let i = 0; i < SMALL_REQUESTS; i++) {
      if ((await run(`${origin}/download?size=1024`)) !== 1024) throw new Error(`${name}: short body`);
    }
    return SMALL_REQUESTS;
  };
}

const job = await jobOf();
for (let i = 0; i < Number(warmups); i++) await job();
let majorGcs = 0;
let gcMs = 0;
const gcs = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
  }
});
const heapBytes = process.memoryUsage().heapUsed;
gcs.observe({ entryTypes: ['gc'] });
const before = process.cpuUsage();
const start = performance.now();
const units = await job();
const ms = performance.now() - start;
const used = process.cpuUsage(before);
// gc entries are delivered asynchronously: let the last ones arrive.
await new Promise((resolve) => setTimeout(resolve, 20));
gcs.disconnect();
console.log(JSON.stringify({ units, ms, cpuMicros: used.user + used.system, heapBytes, majorGcs, gcMs }));
