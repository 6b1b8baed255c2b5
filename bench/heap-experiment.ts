/**
 * Why raw fetch's download slows down when rxjs is loaded: `node bench/heap-experiment.ts [--rounds=4]`.
 * Raw fetch downloads 256 MiB (the bench's reader loop) in fresh processes that first load nothing, the rxjs
 * package, only rxjs's `Observable` module, or an array of plain objects of about 1, 2 or 5 MiB ("ballast"); each
 * prints its CPU time, the heap in use before the timed download and the full (mark-compact) collections during it.
 * Not part of `npm run bench` (about 30 s); BENCHMARKS.md quotes a run of it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './measure.ts';
import { startServerProcess } from './server-process.ts';
import { SIZE } from './sizes.ts';

const VARIANTS = ['nothing', 'rxjs', 'rxjs Observable only', 'ballast 1 MiB', 'ballast 2 MiB', 'ballast 5 MiB'];
/** Objects per MiB of ballast (`{ i, s }` with a short string: about 70 bytes each). */
const OBJECTS_PER_MIB = 15_000;

interface Report {
  readonly variant: string;
  readonly cpuMs: number;
  readonly heapMiB: number;
  readonly majorGcs: number;
}

async function child(variant: string, origin: string): Promise<void> {
  if (variant === 'rxjs') await import('rxjs');
  if (variant === 'rxjs Observable only') await import('rxjs/internal/Observable');
  const ballast = /^ballast (\d+) MiB$/.exec(variant);
  if (ballast) {
    const objects = Number(ballast[1]) * OBJECTS_PER_MIB;
    Object.assign(globalThis, { ballast: Array.from({ length: objects }, (_, i) => ({ i, s: `x${i}` })) });
  }
  const { PerformanceObserver, constants } = await import('node:perf_hooks');
  const { download } = await import('./contenders/raw-fetch.ts');
  const url = `${origin}/download?size=${SIZE}`;
  await download(url);
  await download(url);
  let majorGcs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
    }
  });
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  gcs.observe({ entryTypes: ['gc'] });
  const before = process.cpuUsage();
  await download(url);
  const used = process.cpuUsage(before);
  await new Promise((resolve) => setTimeout(resolve, 20));
  gcs.disconnect();
  const report: Report = { variant, cpuMs: (used.user + used.system) / 1000, heapMiB, majorGcs };
  console.log(JSON.stringify(report));
}

async function parent(rounds: number): Promise<void> {
  const server = await startServerProcess(10 * 60_000);
  const script = fileURLToPath(import.meta.url);
  const reports: Report[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of VARIANTS) {
        const run = spawnSync(process.execPath, [script, '--child', variant, server.http1], { encoding: 'utf8' });
        if (run.status !== 0) throw new Error(`${variant}: ${run.stderr}`);
        reports.push(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as Report);
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`raw fetch, ${SIZE / 2 ** 20} MiB download, ${rounds} fresh processes each (medians, then each run)`);
  console.log(`${'loaded first'.padEnd(24)}  CPU ms  heap MiB  full GCs`);
  for (const variant of VARIANTS) {
    const mine = reports.filter((r) => r.variant === variant);
    const of = (field: 'cpuMs' | 'heapMiB' | 'majorGcs') => median(mine.map((r) => r[field]));
    const each = mine.map((r) => `${r.cpuMs.toFixed(0)}/${r.majorGcs}`).join(' ');
    console.log(
      `${variant.padEnd(24)}${of('cpuMs').toFixed(0).padStart(8)}${of('heapMiB').toFixed(1).padStart(10)}${of('majorGcs').toFixed(0).padStart(10)}   (${each})`,
    );
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { child: { type: 'string' }, rounds: { type: 'string', default: '4' } },
});
if (values.child !== undefined) await child(values.child, positionals[0] ?? '');
else await parent(Number(values.rounds));
