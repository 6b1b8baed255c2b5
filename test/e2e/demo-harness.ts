import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright';
import { build, createServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.ts';

/** Debian's Chromium, started as the project starts it everywhere. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * A page that trusts the demo's run-time certificate, with its uncaught errors collected, and
 * the console's error lines (failed requests among them: the demo's own failures show there too).
 */
export async function openPage(
  browser: Browser,
  url: string,
  width = 1280,
): Promise<{ page: Page; errors: string[]; consoleErrors: string[] }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, errors, consoleErrors };
}

/** The status and type of the page's icon (`<link rel="icon">`), fetched as the browser fetches it. */
export function iconOf(page: Page): Promise<{ status: number; type: string | null } | undefined> {
  return page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href;
    if (href === undefined) return undefined;
    const response = await fetch(href);
    return { status: response.status, type: response.headers.get('content-type') };
  });
}

/** Starts the demo's dev server (`npm run demo` or `demo:h2`) on a free 127.0.0.1 port. */
export async function startDemo(mode: 'demo' | 'demo-h2'): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await createServer({
    configFile: 'vite.config.ts',
    mode,
    server: { port: 0, strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || address === undefined || typeof address === 'string')
    throw new Error('the demo server is not listening');
  const { port } = address;
  return { url: `${mode === 'demo-h2' ? 'https' : 'http'}://127.0.0.1:${port}/`, close: () => server.close() };
}

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Builds the static demo (`npm run build:demo`) into `outDir` and serves its files, and nothing else, on 127.0.0.1. */
export async function serveStaticDemo(outDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  await build({ configFile: 'vite.config.ts', mode: 'demo-static', build: { outDir }, logLevel: 'error' });
  const server = createHttpServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(outDir, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
