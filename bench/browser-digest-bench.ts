import { openBenchPage } from './browser-bench.ts';
import { rxDownload } from './browser-page.ts';
import { compare, type Series } from './measure.ts';
import { NO_DIGEST, NO_DIGEST_CONTROL } from './report.ts';

/** What the Chromium digest part measured. */
export interface BrowserDigestResults {
  readonly version: string;
  readonly protocol: string;
  readonly bytes: number;
  /** The body read and dropped (`responseType: 'none'`): hashed chunk by chunk as it streams (hash-wasm). */
  readonly series: Series[];
  /** The body held in memory (`responseType: 'arrayBuffer'`): hashed once, whole, by WebCrypto at its end. */
  readonly held: Series[];
}

/**
 * Downloads of `size` bytes from the server's `/file` in one headless Chromium page on the HTTP/2 origin, with
 * rx-transfer's `transferStages` (default options, every stage subscribed): the response states a `Repr-Digest` of
 * sha-256 or of sha-512, or none. Two tables: the body read and dropped (`responseType: 'none'`, checked chunk by chunk
 * as it streams, with hash-wasm), and the body held in memory (`'arrayBuffer'`, hashed whole by WebCrypto at its end).
 * Paired rounds, with an A/A control; the ratios are each digest's throughput to the same download without one.
 */
export async function runBrowserDigestBench(
  origin: string,
  size: number,
  rounds: { warmups: number; runs: number; onJob: (name: string, round: number) => void },
): Promise<BrowserDigestResults> {
  const { job, version, protocol, close } = await openBenchPage(origin);
  try {
    const table = (responseType: 'none' | 'arrayBuffer') => {
      const file = (query: string) => ({ url: `${origin}/file?size=${size}${query}`, size, responseType });
      return compare(
        {
          [NO_DIGEST]: job(rxDownload, file('')),
          'rx-transfer, Repr-Digest sha-256': job(rxDownload, file('&digest=sha-256')),
          'rx-transfer, Repr-Digest sha-512': job(rxDownload, file('&digest=sha-512')),
          [NO_DIGEST_CONTROL]: job(rxDownload, file('')),
        },
        { ...rounds, baseline: NO_DIGEST },
      );
    };
    const series = await table('none');
    const held = await table('arrayBuffer');
    return { version, protocol, bytes: size, series, held };
  } finally {
    await close();
  }
}
