/**
 * One job of the `messages` section in a process of its own:
 * `node --expose-gc bench/messages-case.ts <contender> <origin> <format> <count> <warm-ups> [memory]`.
 * Streams `count` messages of `/messages?format=` (sse or ndjson) through the contender, after the warm-up jobs (of
 * {@link WARMUP_COUNT} messages each), and
 * prints one JSON line: `{ units, ms, cpuMicros }` (units: messages), or with `memory` (rx-transfer only, untimed)
 * `{ units, heap }`: the heap in use after a collection at every 10,000th message.
 * - `raw reader loop`: fetch, `getReader()`, a `TextDecoder`, and the same parser rx-transfer uses (eventsource-parser
 *   for SSE; rx-transfer's line splitter and `JSON.parse` for NDJSON), counting messages;
 * - `rx-transfer`: `transfer({ url, responseType })`, counting `message` events.
 */
import { createParser } from 'eventsource-parser';
import { transfer } from '../dist/index.js';
import { splitLines } from '../dist/messages/split-lines.js';

const [contender = 'rx-transfer', origin = '', format = 'sse', count = '100000', warmups = '1', mode = ''] =
  process.argv.slice(2);
/** Messages per warm-up job: after three of these, both contenders ran at their steady state (BENCHMARKS.md). */
const WARMUP_COUNT = 100_000;
const urlOf = (messages: number) => `${origin}/messages?format=${format}&count=${messages}`;
const gc = (globalThis as { gc?: () => void }).gc;

/** A raw loop: every message parsed with the parser rx-transfer uses, and counted. */
async function rawLoop(url: string): Promise<number> {
  let messages = 0;
  const count = () => {
    messages++;
  };
  const parser =
    format === 'sse'
      ? { ...createParser({ onEvent: count }), end: () => undefined }
      : splitLines(
          1 << 20,
          (line: string) => {
            JSON.parse(line);
            messages++;
          },
          () => new Error('line too long'),
        );
  const response = await fetch(url);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  parser.end();
  return messages;
}

/** rx-transfer: the `message` events of one exchange, counted; `sample` is called with each one's number. */
function viaTransfer(url: string, sample?: (n: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let messages = 0;
    transfer({ url, responseType: format as 'sse' | 'ndjson' }).subscribe({
      next: (event) => {
        if (event.type !== 'message') return;
        messages++;
        sample?.(messages);
      },
      error: reject,
      complete: () => resolve(messages),
    });
  });
}

const job = contender === 'raw reader loop' ? rawLoop : (url: string) => viaTransfer(url);
for (let i = 0; i < Number(warmups); i++) await job(urlOf(WARMUP_COUNT));
if (mode === 'memory') {
  if (gc === undefined) throw new Error('run with --expose-gc');
  const heap: number[] = [];
  const units = await viaTransfer(urlOf(Number(count)), (n) => {
    if (n % 10_000 !== 0) return;
    gc();
    heap.push(process.memoryUsage().heapUsed);
  });
  console.log(JSON.stringify({ units, heap }));
} else {
  const before = process.cpuUsage();
  const start = performance.now();
  const units = await job(urlOf(Number(count)));
  const ms = performance.now() - start;
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ units, ms, cpuMicros: used.user + used.system }));
}
