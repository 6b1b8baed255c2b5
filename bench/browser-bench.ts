import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { rolldown } from 'rolldown';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.ts';
import { type PageJob, rawDownload, rawUpload, rxDownload, rxUpload } from './browser-page.ts';
import { compare, type Series } from './measure.ts';
import { CONTROL } from './report.ts';

/** What the Chromium part measured. */
export interface BrowserResults {
  readonly version: string;
  readonly protocol: string;
  readonly downloadBytes: number;
  readonly uploadBytes: number;
  readonly download: Series[];
  readonly upload: Series[];
}

/** Bundles the built package with rxjs and ky for the page (an IIFE that sets `window.rxTransfer`). */
export async function pageBundle(): Promise<string> {
  const entry = fileURLToPath(new URL('./browser-entry.ts', import.meta.url));
  const bundle = await rolldown({ input: entry, logLevel: 'silent' });
  const { output } = await bundle.generate({ format: 'iife', name: 'rxTransfer', minify: true });
  await bundle.close();
  return (output[0] as { code: string }).code;
}

/** A headless Chromium page on the HTTPS origin with the bench bundle loaded, and what it negotiated. */
export interface BenchPage {
  readonly page: Page;
  readonly version: string;
  /** The page's own `nextHopProtocol` (`h2` on the server's HTTPS origin). */
  readonly protocol: string;
  /** A job that runs `fn(arg)` in the page, for {@link compare}. */
  job(fn: (job: PageJob) => Promise<number>, arg: PageJob): () => Promise<number>;
  close(): Promise<void>;
}

/** Launches Debian's Chromium and opens one page on `origin` with {@link pageBundle} loaded. */
export async function openBenchPage(origin: string): Promise<BenchPage> {
  const code = await pageBundle();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${origin}/status/200`);
    await page.addScriptTag({ content: code });
    const protocol = await page.evaluate(
      () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
    );
    return {
      page,
      version: browser.version(),
      protocol,
      job: (fn, arg) => () => page.evaluate(fn, arg),
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Runs the download and streamed-upload comparisons in one headless Chromium page on the HTTP/2 origin. */
export async function runBrowserBench(
  origin: string,
  sizes: { download: number; upload: number },
  rounds: { warmups: number; runs: number; onJob: (name: string, round: number) => void },
): Promise<BrowserResults> {
  const { job, version, protocol, close } = await openBenchPage(origin);
  try {
    const down = { url: `${origin}/download?size=${sizes.download}`, size: sizes.download };
    const up = { url: `${origin}/upload`, size: sizes.upload };
    const options = { ...rounds, baseline: 'raw fetch' };
    // The control runs raw fetch's own job a second time: how far a ratio strays here when nothing differs.
    const download = await compare(
      { 'raw fetch': job(rawDownload, down), 'rx-transfer': job(rxDownload, down), [CONTROL]: job(rawDownload, down) },
      options,
    );
    const upload = await compare(
      { 'raw fetch': job(rawUpload, up), 'rx-transfer': job(rxUpload, up), [CONTROL]: job(rawUpload, up) },
      options,
    );
    return { version, protocol, downloadBytes: sizes.download, uploadBytes: sizes.upload, download, upload };
  } finally {
    await close();
  }
}
