import { openBenchPage } from './browser-bench.ts';
import { rawMessages, rxMessages } from './browser-page.ts';
import { compare, type Series } from './measure.ts';
import { MESSAGE_WARMUPS, RAW_LOOP, RAW_LOOP_CONTROL } from './messages-suite.ts';

/** What the Chromium message-stream part measured. */
export interface BrowserMessagesResults {
  readonly version: string;
  readonly protocol: string;
  readonly count: number;
  readonly sse: Series[];
  readonly ndjson: Series[];
}

/**
 * Messages per second in one headless Chromium page on the HTTP/2 origin: `count` messages of the server's
 * `/messages`, read by a raw reader loop with the same parser and by rx-transfer's `transfer({ url, responseType })`,
 * counting `message` events; paired rounds after at least {@link MESSAGE_WARMUPS} warm-up rounds (a stream an app keeps
 * open runs hot), with an A/A control (the raw loop's job run again).
 */
export async function runBrowserMessagesBench(
  origin: string,
  count: number,
  rounds: { warmups: number; runs: number; onJob: (name: string, round: number) => void },
): Promise<BrowserMessagesResults> {
  const { job, version, protocol, close } = await openBenchPage(origin);
  try {
    const table = (format: 'sse' | 'ndjson') => {
      const stream = { url: `${origin}/messages?format=${format}&count=${count}`, size: count, format };
      return compare(
        {
          [RAW_LOOP]: job(rawMessages, stream),
          'rx-transfer': job(rxMessages, stream),
          [RAW_LOOP_CONTROL]: job(rawMessages, stream),
        },
        { ...rounds, warmups: Math.max(rounds.warmups, MESSAGE_WARMUPS), baseline: RAW_LOOP },
      );
    };
    const sse = await table('sse');
    const ndjson = await table('ndjson');
    return { version, protocol, count, sse, ndjson };
  } finally {
    await close();
  }
}
