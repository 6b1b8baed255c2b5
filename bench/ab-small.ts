/**
 * Two builds of rx-transfer (or one against the minimal observable) in ONE process, alternated in blocks of small
 * GETs against the real server: the paired difference in main-thread CPU per request. Process-to-process noise, which
 * swamps a few microseconds in `npm run bench`, cancels out; every other process loads B first, since the module
 * loaded second ran slower. Two copies of one build (an A/A run) show what a difference must exceed to mean anything.
 *
 *   npm run build && mkdir -p bench/out && cp dist/index.js bench/out/before.js   # then change lib/
 *   npm run build && node bench/ab-small.ts bench/out/before.js dist/index.js [--rounds=4]
 *
 * Each argument is a module path exporting `transfer` (inside the repository, so that it resolves rxjs and ky), or
 * `minimal` for `contenders/minimal-observable.ts`. Prints, per fresh process: each side's median µs per request
 * and the median of the paired differences (B - A). Not part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './measure.ts';
import { startServerProcess } from './server-process.ts';

const WARM_UP = 1500;
const BLOCK = 400;
const BLOCKS = 20;

type Small = (url: string) => Promise<number>;

/** One side's request: the minimal observable's, or `transfer` of the given module, read to its end. */
async function load(side: string): Promise<Small> {
  if (side === 'minimal') return (await import('./contenders/minimal-observable.ts')).small;
  const { transfer } = (await import(pathToFileURL(resolve(side)).href)) as {
    transfer: (options: object) => { subscribe(observer: object): unknown };
  };
  return (url) =>
    new Promise((done, fail) => {
      transfer({ url, responseType: 'arrayBuffer' }).subscribe({
        next: (event: { type: string; downloaded?: number }) => {
          if (event.type === 'complete') done(event.downloaded ?? 0);
        },
        error: fail,
      });
    });
}

async function child(a: string, b: string, origin: string): Promise<void> {
  const url = `${origin}/download?size=1024`;
  const sides = [await load(a), await load(b)] as const;
  const block = async (small: Small, requests: number) => {
    const before = process.threadCpuUsage();
    for (let i = 0; i < requests; i++) await small(url);
    const used = process.threadCpuUsage(before);
    return (used.user + used.system) / requests;
  };
  await block(sides[0], WARM_UP);
  await block(sides[1], WARM_UP);
  const costs: [number[], number[]] = [[], []];
  for (let i = 0; i < BLOCKS; i++) {
    // Alternate which side goes first, so that neither always follows the other.
    for (const side of i % 2 === 0 ? [0, 1] : [1, 0])
      costs[side as 0 | 1].push(await block(sides[side as 0 | 1], BLOCK));
  }
  const [ofA, ofB] = costs;
  const difference = median(ofB.map((cost, i) => cost - (ofA[i] as number)));
  console.log(JSON.stringify({ a: median(ofA), b: median(ofB), difference }));
}

async function parent(a: string, b: string, rounds: number): Promise<void> {
  const server = await startServerProcess(10 * 60_000);
  const script = fileURLToPath(import.meta.url);
  try {
    console.log(`main-thread CPU per 1 KiB GET, µs (${BLOCKS} alternating blocks of ${BLOCK} per process)`);
    console.log(`A = ${a}, B = ${b}`);
    const differences: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // The module loaded second ran slower in A/A runs (+2 to +25 µs): every other process loads B first.
      const swapped = round % 2 === 1;
      const order = swapped ? [b, a] : [a, b];
      const run = spawnSync(process.execPath, [script, '--child', ...order, server.http1], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      const outcome = JSON.parse(run.stdout.trim()) as { a: number; b: number; difference: number };
      const [costA, costB] = swapped ? [outcome.b, outcome.a] : [outcome.a, outcome.b];
      const difference = swapped ? -outcome.difference : outcome.difference;
      differences.push(difference);
      const signed = `${difference >= 0 ? '+' : ''}${difference.toFixed(1)}`;
      const first = swapped ? 'B' : 'A';
      console.log(
        `  process ${round + 1} (${first} loaded first): A ${costA.toFixed(1)}  B ${costB.toFixed(1)}  B - A ${signed}`,
      );
    }
    const overall = median(differences);
    console.log(`median B - A over ${rounds} processes: ${overall >= 0 ? '+' : ''}${overall.toFixed(1)} µs`);
  } finally {
    await server.stop();
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { child: { type: 'boolean', default: false }, rounds: { type: 'string', default: '4' } },
});
const [a = 'minimal', b = 'dist/index.js', origin = ''] = positionals;
if (values.child) await child(a, b, origin);
else await parent(a, b, Number(values.rounds));
