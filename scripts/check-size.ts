// The size gate: what an app pays for rx-transfer. Builds small Vite production apps (Vite's JS API, its default
// minifier and target) in node_modules/.cache, with 'rx-transfer' aliased to the built package (dist/, or lib/ with
// --from=lib) and rxjs and ky resolved as installed. Every app runs the same rxjs code as a baseline app without
// rx-transfer; the cost of an app is its gzipped JavaScript (level 9, per chunk) minus the baseline's: loaded at start
// (the entry and its static imports) and on demand (chunks behind a dynamic import). Exits 1 when a start cost is over
// its budget. `node scripts/check-size.ts [--from=dist|lib]`
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

/**
 * Start bytes (gzipped, over the baseline) each app may cost, so that growth fails CI; raise one only with a reason in
 * BENCHMARKS.md. Each is the figure measured with retries and resumed downloads on by default (11,689 B, 11,956 B,
 * 14,962 B; issue 11 added about 1.85 kB and issue 12 1.55 kB: loading them on demand would fail offline, when they are
 * needed; digests and hash-wasm load on demand), then message streams (issue 14: about 0.36 kB at start; their parsers,
 * errors and eventsource-parser load on demand) and a little room. ky
 * (about 8.7 kB) loads on demand, only for hooks, searchParams or a ky instance (its entry module creates its default
 * instance at load, so rx-transfer has its own HTTPError and NetworkError classes), and the XHR transport (about
 * 0.6 kB) on its first use. The `rx-transfer/queue` entry (issue 15) is measured on its own: `transferAll` alone
 * (14,149 B: `transfer` and about 2.4 kB of queue), and both entries whole (17,337 B); it leaves the main entry's
 * figures unchanged. Each budget rose by 128 B on 2026-12-02 (BENCHMARKS.md): the caller's abort deferred a task
 * from inside an upload's own event (about 75 B: it froze Chromium there) and a held body's SHA-256 taken whole by WebCrypto (50 B).
 * `everything` and `queueEverything` rose by 64 B more on 2026-12-02: a cancelled request body that no read waits on is
 * errored at its next read (about 38 B: Chromium left its cancel of an errored body unhandled). Then every budget rose
 * to about 64-90 B over its figure: the timeout limits on one timer per exchange (about 90 B: a small request sets one
 * timer instead of two and clears one instead of four, and a body's chunks set none; BENCHMARKS.md, the queue).
 */
const BUDGETS = {
  transferResult: 12_416,
  transfer: 12_672,
  everything: 15_872,
  resumable: 15_552,
  queue: 15_104,
  queueEverything: 18_496,
} as const;
/** Issue 10's target for an app that uses `transferResult` alone. */
const TARGET = 8192;

const RXJS_USE = `import { map, Observable } from 'rxjs';
const show = (value) => console.log(value);
new Observable((subscriber) => subscriber.next(1)).pipe(map((n) => n + 1)).subscribe(show);`;

/** Each app: the baseline's rxjs code plus one use of rx-transfer. */
const APPS = {
  baseline: '',
  transferResult: `import { transferResult } from 'rx-transfer';\ntransferResult({ url: '/api/me' }).subscribe(show);`,
  transfer: `import { transfer } from 'rx-transfer';\ntransfer({ url: '/api/me' }).subscribe(show);`,
  everything: `import * as rxTransfer from 'rx-transfer';\nshow(rxTransfer);`,
  resumable: `import { resumableUpload } from 'rx-transfer/resumable';\nresumableUpload({ endpoint: '/files/', body: new Blob() }).subscribe(show);`,
  queue: `import { transferAll } from 'rx-transfer/queue';\ntransferAll([{ key: 'me', options: { url: '/api/me' } }]).subscribe(show);`,
  queueEverything: `import * as rxTransfer from 'rx-transfer';\nimport * as queue from 'rx-transfer/queue';\nshow(rxTransfer);\nshow(queue);`,
} as const;

type AppName = keyof typeof APPS;

interface Cost {
  readonly start: number;
  readonly onDemand: number;
  /** Minified bytes of the start chunks by where they came from (rx-transfer's files, ky, rxjs, the app). */
  readonly bySource: Map<string, number>;
  /** Each chunk loaded on demand: what it holds (rx-transfer's files and packages), and its gzipped bytes. */
  readonly chunks: { readonly holds: string; readonly bytes: number }[];
}

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { from: { type: 'string', default: 'dist' } } });
const entry = values.from === 'lib' ? `${root}lib/index.ts` : `${root}dist/index.js`;
/** Each subpath export's entry, as `rx-transfer/<name>` resolves it. */
const subpaths = ['resumable', 'queue'].map((name) => ({
  find: new RegExp(`^rx-transfer/${name}$`),
  replacement: values.from === 'lib' ? `${root}lib/${name}/index.ts` : `${root}dist/${name}/index.js`,
}));
for (const file of [entry, ...subpaths.map(({ replacement }) => replacement)]) {
  if (existsSync(file)) continue;
  console.error(`${file} is missing: run \`npm run build\` first (or pass --from=lib)`);
  process.exit(2);
}
const work = `${root}node_modules/.cache/check-size/`;

/** Builds one app for production and returns its gzipped JavaScript, at start and on demand. */
async function measure(name: AppName): Promise<Cost> {
  const dir = `${work}${name}/`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}main.js`, `${RXJS_USE}\n${APPS[name]}\n`);
  const result = (await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    resolve: { alias: [...subpaths, { find: /^rx-transfer$/, replacement: entry }] },
    build: { write: false, sourcemap: true, rolldownOptions: { input: `${dir}main.js` } },
  })) as Rollup.RollupOutput;
  const chunks = result.output.filter((file): file is Rollup.OutputChunk => file.type === 'chunk');
  const startNames = startChunks(chunks);
  const gzipped = (chunk: Rollup.OutputChunk) => gzipSync(chunk.code, { level: 9 }).length;
  const sum = (list: Rollup.OutputChunk[]) => list.reduce((total, chunk) => total + gzipped(chunk), 0);
  const start = chunks.filter((chunk) => startNames.has(chunk.fileName));
  const bySource = new Map<string, number>();
  for (const chunk of start) {
    if (chunk.map === null) continue;
    const sources = chunk.map.sources.map((source) => origin(resolve(dir, 'dist', chunk.fileName, '..', source)));
    for (const [source, bytes] of bytesBySource(chunk.code, chunk.map.mappings, sources)) add(bySource, source, bytes);
  }
  const later = chunks.filter((chunk) => !startNames.has(chunk.fileName));
  const holds = (chunk: Rollup.OutputChunk) =>
    [...new Set(chunk.moduleIds.map((id) => origin(id).replace(/^rx-transfer dist\/.*\/|\.js$/g, '')))].join(', ');
  return {
    start: sum(start),
    onDemand: sum(later),
    bySource,
    chunks: later.map((chunk) => ({ holds: holds(chunk), bytes: gzipped(chunk) })),
  };
}

/** The entry chunk and every chunk it imports statically, transitively. */
function startChunks(chunks: Rollup.OutputChunk[]): Set<string> {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const names = new Set<string>();
  const visit = (chunk: Rollup.OutputChunk | undefined) => {
    if (chunk === undefined || names.has(chunk.fileName)) return;
    names.add(chunk.fileName);
    for (const imported of chunk.imports) visit(byName.get(imported));
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
  return names;
}

const add = (totals: Map<string, number>, key: string, bytes: number) =>
  totals.set(key, (totals.get(key) ?? 0) + bytes);

/** Where a source file came from: one of rx-transfer's files, or a package, or the app. */
function origin(path: string): string {
  if (!path.startsWith(`${root}node_modules/`)) return `rx-transfer ${path.slice(root.length)}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.slice(root.length));
  return pkg?.[1] === '.cache' ? 'the app' : (pkg?.[1] ?? '?');
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Attributes each generated byte to the origin of the source its source-map segment points at. */
function bytesBySource(code: string, mappings: string, sources: string[]): Map<string, number> {
  const totals = new Map<string, number>();
  const lines = code.split('\n');
  let source = 0;
  mappings.split(';').forEach((segments, line) => {
    const text = lines[line] ?? '';
    let column = 0;
    let owner = '(bundle glue)';
    let from = 0;
    for (const segment of segments === '' ? [] : segments.split(',')) {
      const fields = decodeVlq(segment);
      column += fields[0] as number;
      add(totals, owner, Buffer.byteLength(text.slice(from, column)));
      from = column;
      if (fields.length > 1) source += fields[1] as number;
      owner = fields.length > 1 ? (sources[source] ?? '?') : '(bundle glue)';
    }
    add(totals, owner, Buffer.byteLength(text.slice(from)) + 1);
  });
  return totals;
}

/** The fields of one source-map segment (base64 VLQ, relative values). */
function decodeVlq(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

const began = performance.now();
rmSync(work, { recursive: true, force: true });
const costs = new Map<AppName, Cost>();
for (const name of Object.keys(APPS) as AppName[]) costs.set(name, await measure(name));
rmSync(work, { recursive: true, force: true });

const baseline = costs.get('baseline') as Cost;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
console.log(
  `What a Vite ${(await import('vite')).version} production app pays for rx-transfer (${values.from}/), gzipped, ` +
    `over an app running the same rxjs code (${baseline.start} B) [${Math.round(performance.now() - began)} ms]:`,
);
let over = false;
for (const name of Object.keys(BUDGETS) as (keyof typeof BUDGETS)[]) {
  const cost = costs.get(name) as Cost;
  const start = cost.start - baseline.start;
  const onDemand = cost.onDemand - baseline.onDemand;
  const budget = BUDGETS[name];
  over ||= start > budget;
  console.log(
    `  ${name.padEnd(15)} at start ${String(start).padStart(6)} B (${kb(start)})` +
      `${onDemand > 0 ? `, on demand ${onDemand} B` : ''}; budget ${budget} B${start > budget ? ': OVER' : ''}`,
  );
}
console.log('loaded on demand by an app using `transfer`, by chunk (gzipped), each on first need:');
for (const { holds, bytes } of (costs.get('transfer') as Cost).chunks.sort((a, b) => b.bytes - a.bytes)) {
  console.log(`  ${String(bytes).padStart(6)} B  ${holds}`);
}
const result = (costs.get('transferResult') as Cost).start - baseline.start;
console.log(`issue 10's target for transferResult alone, ${TARGET} B: ${result <= TARGET ? 'met' : 'not met'}`);

// gzip has no per-file size: each origin's share of the minified start bytes, applied to the gzipped cost.
const everything = costs.get('everything') as Cost;
const extra = [...everything.bySource]
  .map(([source, bytes]) => [source, bytes - (baseline.bySource.get(source) ?? 0)] as const)
  .filter(([, bytes]) => bytes > 0);
const minified = extra.reduce((total, [, bytes]) => total + bytes, 0);
console.log('every export, at start, by origin (minified bytes over the baseline; ≈ gzipped bytes at that share):');
for (const [source, bytes] of extra.sort((a, b) => b[1] - a[1])) {
  const share = bytes / minified;
  console.log(
    `  ${source.padEnd(40)}${String(bytes).padStart(7)} B ${(share * 100).toFixed(1).padStart(5)}%  ≈${Math.round(share * (everything.start - baseline.start))} B gz`,
  );
}
if (over) {
  console.error('size budget exceeded');
  process.exit(1);
}
