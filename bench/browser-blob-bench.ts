import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBenchPage } from './browser-bench.ts';
import { rawUpload, rxUpload } from './browser-page.ts';
import { compare, type Series } from './measure.ts';
import { type BlobKind, fileInputId } from './page-blob.ts';
import { BLOB_STREAM, BLOB_STREAM_CONTROL } from './report.ts';

/** One table of the Chromium Blob and File uploads: one kind of body, one size. */
export interface BlobUploadTable {
  readonly kind: BlobKind;
  readonly bytes: number;
  readonly series: Series[];
}

/** What the Chromium Blob and File part measured. */
export interface BrowserBlobResults {
  readonly version: string;
  readonly protocol: string;
  readonly uploads: BlobUploadTable[];
}

/**
 * Blob and File uploads in one headless Chromium page on the HTTP/2 origin: for each size, a Blob made in the page and
 * a File picked from disk (a file of that size written to a temporary directory and set on a file input), each
 * uploaded by `fetch(url, { method: 'POST', body: blob.stream(), duplex: 'half' })` and by rx-transfer's `transferStages`
 * with default options given the Blob or File, alternated in paired rounds with an A/A control.
 */
export async function runBrowserBlobBench(
  origin: string,
  sizes: readonly number[],
  rounds: { warmups: number; runs: number; onJob: (name: string, round: number) => void },
): Promise<BrowserBlobResults> {
  const directory = mkdtempSync(join(tmpdir(), 'rx-transfer-bench-'));
  const { page, job, version, protocol, close } = await openBenchPage(origin);
  try {
    for (const size of sizes) {
      const path = join(directory, `upload-${size}.bin`);
      writeFileSync(path, new Uint8Array(size).fill(7));
      await page.evaluate((id) => {
        const input = Object.assign(document.createElement('input'), { type: 'file', id });
        document.body.append(input);
      }, fileInputId(size));
      await page.setInputFiles(`#${fileInputId(size)}`, path);
    }
    const uploads: BlobUploadTable[] = [];
    for (const size of sizes) {
      for (const kind of ['File', 'Blob'] as const) {
        const up = { url: `${origin}/upload`, size, blob: kind };
        const series = await compare(
          {
            [BLOB_STREAM]: job(rawUpload, up),
            'rx-transfer': job(rxUpload, up),
            [BLOB_STREAM_CONTROL]: job(rawUpload, up),
          },
          { ...rounds, baseline: BLOB_STREAM },
        );
        uploads.push({ kind, bytes: size, series });
      }
    }
    return { version, protocol, uploads };
  } finally {
    await close();
    rmSync(directory, { recursive: true, force: true });
  }
}
