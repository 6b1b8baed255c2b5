/**
 * One contender's own CPU per small request with the network taken out: `fetch` answers at once with a 1 KiB
 * body held in memory. `node bench/overhead-case.ts <contender>`, in a process of its own (it replaces
 * `globalThis.fetch`); warms up, then prints one JSON line `{ units, ms, cpuMicros }` for 5,000 requests.
 */
import { loadContender } from './contenders/index.ts';

const body = new Uint8Array(1024);
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = input instanceof Request ? input : new Request(input, init);
  if (request.signal.aborted || init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
  return new Response(body, { headers: { 'content-length': '1024' } });
};

const REQUESTS = 5_000;
const url = 'http://127.0.0.1:9/download?size=1024';
// Loaded after the stub, so that nothing holds on to the real fetch.
const run = await loadContender<(url: string) => Promise<number>>('small', process.argv[2] ?? '');
const job = async () => {
  for (let i = 0; i < REQUESTS; i++) await run(url);
};
await job();
await job();
const before = process.cpuUsage();
const start = performance.now();
await job();
const used = process.cpuUsage(before);
console.log(JSON.stringify({ units: REQUESTS, ms: performance.now() - start, cpuMicros: used.user + used.system }));
