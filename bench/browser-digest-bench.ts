import { openBenchPage } from './browser-bench.ts';
import { rxDownload } from './browser-page.ts';
import { compare, type Series } from './measure.ts';
import { NO_DIGEST, NO_DIGEST_CONTROL } from './report.ts';

/** What the Chromium digest part measured. */
export interface BrowserDigestResults {
  readonly version: string;
  readonly protocol: string;
  readonly bytes: number;
  readonly series: Series[];
}

/**
 * Downloads of `size` bytes from the server's `/file` in one headless Chromium page on the HTTP/2 origin, with
 * rx-transfer's `transferStages` (default options, every stage subscribed, the body read and dropped): the response
 * states a `Repr-Digest` of sha-256 or of sha-512, which rx-transfer checks as the body streams (hash-wasm), or none.
 * Paired rounds, with an A/A control; the ratios are each digest's throughput to the download without one.
 */
export async function runBrowserDigestBench(
  origin: string,
  size: number,
  rounds: { warmups: number; runs: number; onJob: (name: string, round: number) => void },
): Promise<BrowserDigestResults> {
  const { job, version, protocol, close } = await openBenchPage(origin);
  try {
    const file = (query: string) => ({ url: `${origin}/file?size=${size}${query}`, size });
    const series = await compare(
      {
        [NO_DIGEST]: job(rxDownload, file('')),
        'rx-transfer, Repr-Digest sha-256': job(rxDownload, file('&digest=sha-256')),
        'rx-transfer, Repr-Digest sha-512': job(rxDownload, file('&digest=sha-512')),
        [NO_DIGEST_CONTROL]: job(rxDownload, file('')),
      },
      { ...rounds, baseline: NO_DIGEST },
    );
    return { version, protocol, bytes: size, series };
  } finally {
    await close();
  }
}
