import type { BrowserResults } from './browser-bench.ts';
import type { BrowserBlobResults } from './browser-blob-bench.ts';
import type { BrowserDigestResults } from './browser-digest-bench.ts';
import type { BrowserMessagesResults } from './browser-messages-bench.ts';
import type { EventCount } from './event-count.ts';
import { median, type Series } from './measure.ts';
import type { MemoryResult } from './memory.ts';
import { type MessagesResults, RAW_LOOP, RAW_LOOP_CONTROL } from './messages-suite.ts';
import { BLOB_SIZE, QUEUE, SIZE, SMALL_REQUESTS } from './sizes.ts';

const MiB = 2 ** 20;
const RXJS_LOADED = 'raw fetch, rxjs + ky loaded (reference)';
const PIPED = 'raw fetch piped to the sink, rxjs + ky loaded (reference)';
const WITH_SIGNAL = 'raw fetch with an AbortSignal, rxjs + ky loaded (reference)';
/** The A/A control: raw fetch's own job run a second time, as a contender of its own. */
export const CONTROL = 'raw fetch again (A/A control)';
/** The contender the Blob and File uploads are measured against: `fetch(url, { body: blob.stream(), duplex: 'half' })`. */
export const BLOB_STREAM = 'fetch(blob.stream())';
/** The A/A control of the Blob and File tables. */
export const BLOB_STREAM_CONTROL = 'fetch(blob.stream()) again (A/A control)';
/** The baseline of the Chromium digest table: the same download, its response stating no digest. */
export const NO_DIGEST = 'rx-transfer, no digest';
/** The A/A control of the digest table. */
export const NO_DIGEST_CONTROL = 'rx-transfer, no digest again (A/A control)';
/** Node's raw fetch given the Blob itself: `fetch(url, { method: 'POST', body: blob })`. */
const RAW_BLOB = 'fetch(blob)';

/** Everything one run of the benchmark measured; each section is there when it ran. */
export interface Results {
  download?: Series[];
  upload?: Series[];
  /** Node: Blob uploads against `fetch(blob.stream())`. */
  blob?: Series[];
  small?: Series[];
  /** Node: 1,000 downloads of 64 KiB, 6 at a time: `transferAll` against a pool of 6 raw fetches. */
  queue?: Series[];
  /** Microseconds of CPU per request with fetch answered in memory, by contender. */
  overhead?: Record<string, number>;
  events?: EventCount[];
  memory?: MemoryResult[];
  browser?: BrowserResults;
  /** Chromium: Blob and File uploads against `fetch(blob.stream())`. */
  browserBlob?: BrowserBlobResults;
  /** Chromium: downloads whose response states a digest, against the same without one. */
  browserDigest?: BrowserDigestResults;
  browserMessages?: BrowserMessagesResults;
  /** Node: message streams (SSE, NDJSON) against a raw reader loop with the same parser, and the heap over one. */
  messages?: MessagesResults;
}

/** The most the heap may grow over one stream of messages, from its 10,000th message on: flat, within noise. */
export const MESSAGE_HEAP_LIMIT = 2 * MiB;

/** One target of the issue, judged on this run's figures. */
export interface Target {
  readonly target: string;
  readonly figure: string;
  readonly met: boolean;
}

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  chromium: string | undefined;
}

const pad = (text: string, width: number) => text.padEnd(width);
const fixed = (value: number, digits: number, width: number) => value.toFixed(digits).padStart(width);

/** The lines of one throughput table: bytes as MiB/s (CPU per MiB), requests as requests/s (CPU per request). */
function seriesTable(title: string, series: readonly Series[], unit: 'bytes' | 'requests', cpu = true): string[] {
  const bytes = unit === 'bytes';
  const head = `${pad(title, 44)}${(bytes ? 'MiB/s' : 'req/s').padStart(8)}   ratio  (per-round range)`;
  const gc = series.some((s) => s.gc !== undefined);
  const gcHead = gc ? '  heap MiB  full GCs  GC ms' : '';
  const lines = [cpu ? `${head}  client CPU ${bytes ? 'ms/MiB' : 'µs/req'}${gcHead}` : head];
  for (const s of series) {
    const range = `(${s.ratioRange[0].toFixed(2)}-${s.ratioRange[1].toFixed(2)})`;
    const row = `  ${pad(s.name, 42)}${fixed(bytes ? s.median / MiB : s.median, bytes ? 1 : 0, 8)}  ${fixed(s.ratio, 3, 6)}  ${pad(range, 17)}`;
    const gcCells = s.gc ? `${fixed(s.gc.heapMiB, 1, 10)}${fixed(s.gc.majorGcs, 0, 10)}${fixed(s.gc.gcMs, 0, 7)}` : '';
    lines.push(
      cpu
        ? `${row}${fixed(bytes ? (s.cpuPerUnit * MiB) / 1000 : s.cpuPerUnit, bytes ? 2 : 1, 8)}${gc ? '          ' : ''}${gcCells}`.trimEnd()
        : row.trimEnd(),
    );
  }
  return [...lines, ''];
}

function memoryTable(results: readonly MemoryResult[]): string[] {
  const width = Math.max(50, ...results.map((r) => r.name.length + 1));
  const lines = [`${pad('memory, each run in a fresh process', width + 2)}RSS growth MiB (each run)    time s`];
  for (const r of results) {
    const each = `(${r.growths.map((g) => (g / MiB).toFixed(0)).join(' ')})`;
    lines.push(
      `  ${pad(r.name, width)}${fixed(r.medianGrowth / MiB, 0, 6)}  ${pad(each, 18)}${fixed(r.medianMs / 1000, 2, 7)}  ${r.note}`,
    );
  }
  return [...lines, ''];
}

/** Messages per second (as "req/s": one unit per message) for each format, in Node or Chromium (no CPU column). */
function messageRates(where: string, messages: MessagesResults | BrowserMessagesResults, cpu: boolean): string[] {
  return (['sse', 'ndjson'] as const).flatMap((format) => {
    const title = `${where}: ${messages.count} ${format === 'sse' ? 'SSE events' : 'NDJSON lines'} (msg/s)`;
    return seriesTable(title, messages[format], 'requests', cpu).map((line) =>
      line.replace('req/s', 'msg/s').replace('µs/req', 'µs/msg'),
    );
  });
}

/** The Node message tables, then the heap over one stream. */
function messagesTables(messages: MessagesResults): string[] {
  const lines = messageRates('Node, HTTP/1.1', messages, true);
  lines.push(`${pad('heap after gc, every 10,000 messages (MiB)', 52)}growth from the 10,000th`);
  for (const { format, samples } of messages.heap) {
    const growth = Math.max(...samples) - (samples[0] as number);
    lines.push(
      `  ${pad(`rx-transfer ${format}`, 50)}${fixed(growth / MiB, 2, 6)}  (${samples.map((b) => (b / MiB).toFixed(1)).join(' ')})`,
    );
  }
  return [...lines, ''];
}

function eventTable(counts: readonly EventCount[]): string[] {
  const lines = [`${pad(`progress events, ${SIZE / MiB} MiB`, 44)}interval  chunks  events  bound      ms`];
  for (const c of counts) {
    lines.push(
      `  ${pad(c.case, 42)}${fixed(c.progressInterval, 0, 8)}${fixed(c.chunks, 0, 8)}${fixed(c.events, 0, 8)}${fixed(c.bound, 0, 7)}${fixed(c.ms, 0, 8)}`,
    );
  }
  return [...lines, ''];
}

function overheadTable(overhead: Record<string, number>): string[] {
  const raw = overhead['raw fetch'] ?? 0;
  const lines = [`${pad('CPU per request, fetch answered in memory', 44)}  µs/req  over raw fetch`];
  for (const [name, micros] of Object.entries(overhead)) {
    lines.push(`  ${pad(name, 42)}${fixed(micros, 1, 8)}  ${fixed(micros - raw, 1, 8)}`);
  }
  return [...lines, ''];
}

/** The whole report: a header, each table that ran, then the targets. */
export function render(
  results: Results,
  machine: Machine,
  setup: { warmups: number; browserWarmups: number; runs: number; shortJobRuns: number; smallWarmups: number },
): string[] {
  const b = results.browser;
  const chromium = machine.chromium === undefined ? '' : ` · Chromium ${machine.chromium}`;
  const lines = [
    `rx-transfer benchmarks · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · Node ${machine.node}${chromium}`,
    `${setup.runs} rounds (small requests and Chromium ${setup.shortJobRuns}), contenders in turn (order rotated each round).`,
    `Node: each job in a fresh process after ${count(setup.warmups, 'warm-up job')} (small requests: ${setup.smallWarmups}); Chromium: one page,`,
    `${count(setup.browserWarmups, 'warm-up round')}.`,
    "Throughput medians; ratio = median of each round's throughput ratio to the table's first row in that round",
    `(raw fetch; for Blobs and Files ${BLOB_STREAM}, that is fetch(url, { method: 'POST', body: blob.stream(), duplex: 'half' })).`,
    '',
  ];
  if (results.download)
    lines.push(...seriesTable(`Node, HTTP/1.1: download ${SIZE / MiB} MiB`, results.download, 'bytes'));
  if (results.upload) lines.push(...seriesTable(`Node, HTTP/1.1: upload ${SIZE / MiB} MiB`, results.upload, 'bytes'));
  if (results.blob)
    lines.push(...seriesTable(`Node, HTTP/1.1: Blob upload ${BLOB_SIZE / MiB} MiB`, results.blob, 'bytes'));
  if (results.small)
    lines.push(...seriesTable(`Node: ${SMALL_REQUESTS} sequential 1 KiB GETs`, results.small, 'requests'));
  if (results.queue) {
    const title = `Node: ${QUEUE.items} x ${QUEUE.bytes / 1024} KiB downloads, ${QUEUE.concurrency} at once`;
    lines.push(...seriesTable(title, results.queue, 'bytes'));
  }
  if (results.overhead) lines.push(...overheadTable(results.overhead));
  if (b) {
    lines.push(
      ...seriesTable(`Chromium, ${b.protocol}: download ${b.downloadBytes / MiB} MiB`, b.download, 'bytes', false),
    );
    lines.push(
      ...seriesTable(`Chromium, ${b.protocol}: streamed upload ${b.uploadBytes / MiB} MiB`, b.upload, 'bytes', false),
    );
  }
  for (const t of results.browserBlob?.uploads ?? []) {
    const title = `Chromium, ${results.browserBlob?.protocol}: ${t.kind} upload ${t.bytes / MiB} MiB`;
    lines.push(...seriesTable(title, t.series, 'bytes', false));
  }
  const d = results.browserDigest;
  if (d)
    lines.push(
      ...seriesTable(
        `Chromium, ${d.protocol}: download ${d.bytes / MiB} MiB dropped, digests`,
        d.series,
        'bytes',
        false,
      ),
      ...seriesTable(`Chromium, ${d.protocol}: download ${d.bytes / MiB} MiB held, digests`, d.held, 'bytes', false),
    );
  if (results.browserMessages) {
    lines.push(...messageRates(`Chromium, ${results.browserMessages.protocol}`, results.browserMessages, false));
  }
  if (results.messages) lines.push(...messagesTables(results.messages));
  if (results.memory) lines.push(...memoryTable(results.memory));
  if (results.events) lines.push(...eventTable(results.events));
  const targets = targetsOf(results);
  lines.push('targets', ...targets.map((t) => `  ${t.met ? 'met    ' : 'NOT MET'}  ${pad(t.target, 66)} ${t.figure}`));
  return lines;
}

/**
 * A throughput target against the table's baseline (`against`: raw fetch unless said); with a `reference` (raw fetch
 * doing what the contender cannot avoid, or another raw way of sending the same body, in the same rounds), the figure
 * also gives the contender's ratio to it. Where the table has an A/A control, its own ratio follows: how far this
 * table strays when nothing differs.
 */
function ratioTarget(
  label: string,
  series: readonly Series[] | undefined,
  name: string,
  least: number,
  { reference, against = 'raw fetch' }: { reference?: string; against?: string } = {},
): Target[] {
  const s = series?.find((entry) => entry.name === name);
  if (s === undefined) return [];
  const ref = series?.find((entry) => entry.name === reference);
  const notes: string[] = [];
  if (ref !== undefined) {
    const ratio = median(s.perRun.map((value, round) => value / (ref.perRun[round] as number)));
    notes.push(`${ratio.toFixed(3)}x of ${ref.name.replace(' (reference)', '')}`);
  }
  const control = series?.find((entry) =>
    [CONTROL, BLOB_STREAM_CONTROL, NO_DIGEST_CONTROL, RAW_LOOP_CONTROL].includes(entry.name),
  );
  if (control !== undefined) notes.push(`A/A control ${control.ratio.toFixed(3)}x`);
  const figure = `${s.ratio.toFixed(3)}x${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
  return [{ target: `${label} >= ${least}x ${against}`, figure, met: s.ratio >= least }];
}

/** Every target of the issue that this run has figures for, judged. */
export function targetsOf(results: Results): Target[] {
  const b = results.browser;
  const memory = (results.memory ?? []).flatMap((r) =>
    r.limit === undefined
      ? []
      : [
          {
            target: `${r.name}: RSS growth <= ${r.limit / MiB} MiB`,
            figure: `${(r.medianGrowth / MiB).toFixed(0)} MiB`,
            met: r.medianGrowth <= r.limit,
          },
        ],
  );
  const relativeMemory = (results.memory ?? []).flatMap((r) => relativeMemoryTarget(r, results.memory ?? []));
  const events = (results.events ?? [])
    .filter((c) => c.progressInterval === 50)
    .map((c) => ({
      target: `${c.case}: progress events bounded by default sampling`,
      figure: `${c.events} events for ${c.chunks} chunks (bound ${c.bound})`,
      met: c.events <= c.bound,
    }));
  const browserBlobs = (results.browserBlob?.uploads ?? []).flatMap((t) =>
    ratioTarget(`Chromium ${t.kind} upload ${t.bytes / MiB} MiB, rx-transfer`, t.series, 'rx-transfer', 0.95, {
      against: BLOB_STREAM,
    }),
  );
  return [
    ...ratioTarget('Node download, rx-transfer (all stages)', results.download, 'rx-transfer', 0.97, {
      reference: RXJS_LOADED,
    }),
    ...ratioTarget('Node download, rx-transfer into a sink', results.download, 'rx-transfer sink', 0.97, {
      reference: PIPED,
    }),
    ...ratioTarget('Node upload, rx-transfer', results.upload, 'rx-transfer', 0.97, { reference: RXJS_LOADED }),
    ...ratioTarget('Node Blob upload, rx-transfer', results.blob, 'rx-transfer', 0.95, {
      against: BLOB_STREAM,
      reference: RAW_BLOB,
    }),
    ...ratioTarget('Chromium download, rx-transfer', b?.download, 'rx-transfer', 0.97),
    ...ratioTarget('Chromium streamed upload, rx-transfer', b?.upload, 'rx-transfer', 0.97),
    ...browserBlobs,
    ...(['sha-256', 'sha-512'] as const).flatMap((algorithm) =>
      (['held', 'dropped'] as const).flatMap((kept) =>
        ratioTarget(
          `Chromium ${(results.browserDigest?.bytes ?? 0) / MiB} MiB download ${kept}, Repr-Digest ${algorithm} checked`,
          kept === 'held' ? results.browserDigest?.held : results.browserDigest?.series,
          `rx-transfer, Repr-Digest ${algorithm}`,
          0.8,
          { against: NO_DIGEST },
        ),
      ),
    ),
    ...ratioTarget('Node small requests, rx-transfer', results.small, 'rx-transfer', 0.9, {
      reference: WITH_SIGNAL,
    }),
    ...ratioTarget(
      `Node ${QUEUE.items} x ${QUEUE.bytes / 1024} KiB downloads at concurrency ${QUEUE.concurrency}, transferAll`,
      results.queue,
      'rx-transfer',
      0.9,
      { reference: RXJS_LOADED, against: `a raw fetch pool of ${QUEUE.concurrency}` },
    ),
    ...memory,
    ...relativeMemory,
    ...events,
    ...messageTargets(results.messages),
    ...(['sse', 'ndjson'] as const).flatMap((format) =>
      ratioTarget(`Chromium ${format} messages/s, rx-transfer`, results.browserMessages?.[format], 'rx-transfer', 0.9, {
        against: RAW_LOOP,
      }),
    ),
  ];
}

/** A memory case's target against another case of the same run (`atMost`), when both ran. */
function relativeMemoryTarget(r: MemoryResult, all: readonly MemoryResult[]): Target[] {
  const base = all.find((other) => other.name === r.atMost?.of);
  if (r.atMost === undefined || base === undefined) return [];
  const ratio = r.medianGrowth / base.medianGrowth;
  return [
    {
      target: `${r.name}: RSS growth <= "${base.name}" + ${r.atMost.slack / MiB} MiB`,
      figure: `${(r.medianGrowth / MiB).toFixed(0)} MiB vs ${(base.medianGrowth / MiB).toFixed(0)} MiB (${ratio.toFixed(2)}x)`,
      met: r.medianGrowth <= base.medianGrowth + r.atMost.slack,
    },
  ];
}

/** Issue 14's targets: messages per second against the raw reader loop, and a flat heap over 100,000 messages. */
function messageTargets(messages: MessagesResults | undefined): Target[] {
  if (messages === undefined) return [];
  const rates = (['sse', 'ndjson'] as const).flatMap((format) =>
    ratioTarget(`Node ${format} messages/s, rx-transfer`, messages[format], 'rx-transfer', 0.9, { against: RAW_LOOP }),
  );
  const heap = messages.heap.map(({ format, samples }) => {
    const growth = Math.max(...samples) - (samples[0] as number);
    return {
      target: `${format}, ${messages.heapCount} messages: heap growth <= ${MESSAGE_HEAP_LIMIT / MiB} MiB`,
      figure: `${(growth / MiB).toFixed(2)} MiB`,
      met: growth <= MESSAGE_HEAP_LIMIT,
    };
  });
  return [...rates, ...heap];
}

/** `1 warm-up job`, `2 warm-up jobs`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
