/**
 * `npm run bench`: rx-transfer against raw fetch, ky and axios over loopback, in Node and in headless Chromium, with
 * memory and event counts; prints the tables and the targets, and writes bench/results.json (bench/out/ for a
 * partial run). See BENCHMARKS.md.
 * Options: --runs=<n> rounds (default 6; small requests and Chromium twice as many); --warmups=<n> jobs each
 * contender's process runs before its timed one (default 1; small requests always 1). 7 rounds after 2 warm-ups took
 * 583 s on a busy machine, too near the 10-minute limit. --browser-warmups=<n> rounds in the page (default 1);
 * --memory-repeats=<n> (default 2);
 * --only=<sections> (comma-separated, default all: download,upload,blob,small,queue,overhead,events,memory,messages,
 * browser,browser-blob,browser-digest,browser-messages,resumable); --memory-cases=<text> runs only the memory cases whose name contains it (`--only=memory
 * --memory-cases="Blob PUT"`: the retried uploads and their baseline).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runBrowserBench } from './browser-bench.ts';
import { runBrowserBlobBench } from './browser-blob-bench.ts';
import { runBrowserDigestBench } from './browser-digest-bench.ts';
import { runBrowserMessagesBench } from './browser-messages-bench.ts';
import { memoryCases, runMemoryCase } from './memory.ts';
import { messagesSuite } from './messages-suite.ts';
import {
  blobSuite,
  downloadSuite,
  eventCounts,
  overheadPerRequest,
  queueSuite,
  type Rounds,
  smallSuite,
  uploadSuite,
} from './node-suites.ts';
import { type Results, render, targetsOf } from './report.ts';
import { type ResumableResults, renderResumable, resumableSuite } from './resumable-bench.ts';
import { startServerProcess } from './server-process.ts';
import { BLOB_SIZE, DIGEST_SIZE, QUEUE, SIZE, SMALL_BLOB_SIZE, SMALL_REQUESTS, TIMED_MESSAGES } from './sizes.ts';

const ALL =
  'download,upload,blob,small,queue,overhead,events,memory,messages,browser,browser-blob,browser-digest,browser-messages,resumable';
/** The in-memory overhead is steady from one process to the next: fewer rounds do. */
const OVERHEAD_ROUNDS = 3;
/**
 * Small-request and Chromium jobs take about a second and their per-round ratios spread widely (0.73x-1.25x in one
 * Chromium run): their rounds are multiplied by this. Small requests get one warm-up job (2,000 requests), so that
 * the whole run stays under 10 minutes.
 */
const SHORT_JOB_ROUND_FACTOR = 2;
const SMALL_WARMUPS = 1;
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '6' },
    warmups: { type: 'string', default: '1' },
    'browser-warmups': { type: 'string', default: '1' },
    'memory-repeats': { type: 'string', default: '2' },
    only: { type: 'string', default: ALL },
    'memory-cases': { type: 'string', default: '' },
  },
});
const only = new Set(values.only.split(','));
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;
const status = (line: string) => process.stderr.write(`\r\x1b[K${line}`);
const rounds = (section: string, warmups = Number(values.warmups)): Rounds => {
  const runs = Number(values.runs);
  const onJob = (name: string, round: number) => status(`${section}: round ${round + 1}, ${name} (${elapsed()})`);
  return { warmups, runs, onJob };
};

const results: Results & { resumable?: ResumableResults } = {};
let browserSkipped: string | undefined;
/**
 * The server's own lifetime, a backstop (it is stopped at the end in any case): longer than the whole run. At 15
 * minutes it stopped before the last sections of a full run (15 min 8 s on 2026-12-02, a quiet machine), which then
 * failed with ECONNREFUSED.
 */
const SERVER_LIFETIME_MS = 45 * 60_000;
const server = await startServerProcess(SERVER_LIFETIME_MS);
try {
  if (only.has('download')) results.download = await downloadSuite(server.http1, rounds('download'));
  if (only.has('upload')) results.upload = await uploadSuite(server.http1, rounds('upload'));
  if (only.has('blob')) results.blob = await blobSuite(server.http1, rounds('Blob upload'));
  if (only.has('small')) {
    const small = rounds('small requests', SMALL_WARMUPS);
    results.small = await smallSuite(server.http1, { ...small, runs: small.runs * SHORT_JOB_ROUND_FACTOR });
  }
  if (only.has('queue')) results.queue = await queueSuite(server.http1, rounds('queue'));
  if (only.has('overhead')) {
    results.overhead = await overheadPerRequest(OVERHEAD_ROUNDS, rounds('overhead, fetch in memory').onJob);
  }
  if (only.has('events')) {
    status(`progress event counts (${elapsed()})`);
    results.events = await eventCounts(server.http1);
  }
  if (only.has('resumable')) {
    results.resumable = await resumableSuite(server.http1, rounds('resumable'), Number(values['memory-repeats']));
  }
  if (only.has('memory')) {
    results.memory = [];
    for (const spec of memoryCases.filter((chosen) => chosen.name.includes(values['memory-cases']))) {
      status(`memory: ${spec.name} (${elapsed()})`);
      results.memory.push(await runMemoryCase(spec, server.http1, Number(values['memory-repeats'])));
    }
  }
  if (only.has('messages')) results.messages = await messagesSuite(server.http1, rounds('messages'));
  const browserRounds = (section: string) => {
    const chromium = rounds(section, Number(values['browser-warmups']));
    return { ...chromium, runs: chromium.runs * SHORT_JOB_ROUND_FACTOR };
  };
  // Without Chromium the Node figures still stand: say why the browser part is missing, and go on.
  try {
    if (only.has('browser')) {
      const sizes = { download: SIZE, upload: SIZE };
      results.browser = await runBrowserBench(server.http2, sizes, browserRounds('chromium'));
    }
    if (only.has('browser-blob')) {
      const sizes = [BLOB_SIZE, SMALL_BLOB_SIZE];
      results.browserBlob = await runBrowserBlobBench(server.http2, sizes, browserRounds('chromium Blob and File'));
    }
    if (only.has('browser-digest')) {
      results.browserDigest = await runBrowserDigestBench(server.http2, DIGEST_SIZE, browserRounds('chromium digests'));
    }
    if (only.has('browser-messages')) {
      const chromium = browserRounds('chromium messages');
      results.browserMessages = await runBrowserMessagesBench(server.http2, TIMED_MESSAGES, chromium);
    }
  } catch (error) {
    browserSkipped = `Chromium part skipped (bash scripts/ensure-chromium.sh installs it): ${String(error)}`;
  }
} finally {
  status('');
  await server.stop();
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  chromium:
    results.browser?.version ??
    results.browserBlob?.version ??
    results.browserDigest?.version ??
    results.browserMessages?.version,
  platform: `${process.platform} ${process.arch}`,
};
const setup = {
  warmups: Number(values.warmups),
  browserWarmups: Number(values['browser-warmups']),
  runs: Number(values.runs),
  shortJobRuns: Number(values.runs) * SHORT_JOB_ROUND_FACTOR,
  smallWarmups: SMALL_WARMUPS,
  memoryRepeats: Number(values['memory-repeats']),
};
const targets = targetsOf(results);
const resumableLines = results.resumable === undefined ? [] : ['', ...renderResumable(results.resumable)];
console.log(
  [...render(results, machine, setup), ...resumableLines, '', browserSkipped ?? '', `total time ${elapsed()}`].join(
    '\n',
  ),
);
const json = {
  date: new Date().toISOString(),
  machine,
  setup,
  sizes: {
    bytes: SIZE,
    blobBytes: BLOB_SIZE,
    smallBlobBytes: SMALL_BLOB_SIZE,
    smallRequests: SMALL_REQUESTS,
    digestBytes: DIGEST_SIZE,
    queue: QUEUE,
  },
  ...results,
  targets,
};
// A partial run (--only) goes to the git-ignored bench/out/, so that it never replaces the full run's figures.
const partial = values.only !== ALL || values['memory-cases'] !== '';
if (partial) mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(partial ? './out/results.json' : './results.json', import.meta.url),
  `${JSON.stringify(json, null, 2)}\n`,
);
