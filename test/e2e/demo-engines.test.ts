/**
 * The demo page (npm run demo, npm run demo:h2) in Firefox ESR and WebKitGTK: an upload and a
 * download to completion, and the upload's path. test/e2e/demo.test.ts covers the rest in
 * Chromium. The page is driven through script alone (the file input filled by a DataTransfer),
 * so that one test body serves both drivers: puppeteer-core over WebDriver BiDi for Firefox,
 * webdriverio over WebDriver classic for WebKit.
 */
import { launch } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remote } from 'webdriverio';
import { FIREFOX_PATH } from '../../scripts/browsers/firefox-provider.ts';
import { startWebKitDriver, WEBKIT_CAPABILITIES } from '../../scripts/browsers/webkit-driver.ts';
import { startDemo } from './demo-harness.js';

/** A page in one engine, seen only through scripts run in it. */
interface ScriptedPage {
  open(url: string): Promise<void>;
  run<T>(script: string): Promise<T>;
  close(): Promise<void>;
}

async function firefoxPage(): Promise<ScriptedPage> {
  const browser = await launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    acceptInsecureCerts: true,
  });
  const page = await browser.newPage();
  return {
    open: async (url) => void (await page.goto(url)),
    run: (script) => page.evaluate(script) as Promise<never>,
    close: () => browser.close(),
  };
}

async function webkitPage(): Promise<ScriptedPage> {
  const driver = await startWebKitDriver();
  try {
    const browser = await remote({
      hostname: '127.0.0.1',
      port: driver.port,
      logLevel: 'silent',
      capabilities: WEBKIT_CAPABILITIES as never,
    });
    return {
      open: async (url) => void (await browser.url(url)),
      run: (script) => browser.execute(`return (async () => ${script})()`) as Promise<never>,
      close: async () => {
        await browser.deleteSession().finally(driver.stop);
      },
    };
  } catch (error) {
    driver.stop();
    throw error;
  }
}

/** Polls `script` in the page (bounded: 20 s) until it returns something other than null. */
async function waitFor<T>(page: ScriptedPage, script: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await page.run<T | null>(script);
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${script}`);
}

/** The newest card of `kind` once it is final: its state, path and log lines; null while running. */
const finalCard = (kind: 'upload' | 'download') => `(() => {
  const card = document.querySelector('li.card[data-kind="${kind}"]');
  if (card === null || card.dataset.state === 'running') return null;
  return {
    state: card.dataset.state,
    path: card.querySelector('.path')?.textContent ?? '',
    amount: card.querySelector('.amount')?.textContent ?? '',
    log: [...card.querySelectorAll('.log li')].map((li) => li.textContent),
  };
})()`;

/** Picks a file of `size` bytes in the demo's file input, as a user would. */
const pickFile = (size: number) => `(() => {
  const input = document.querySelector('#files');
  const files = new DataTransfer();
  files.items.add(new File([new Uint8Array(${size}).fill(7)], 'photo.bin', { type: 'application/octet-stream' }));
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
})()`;

/** Starts a 1 MB download at full speed from the demo's form. */
const startDownload = `(() => {
  document.querySelector('select[name="size"]').value = '1000000';
  document.querySelector('select[name="rate"]').value = '';
  document.querySelector('select[name="failure"]').value = '';
  document.querySelector('#download-form button[type="submit"]').click();
  return true;
})()`;

interface Card {
  state: string;
  path: string;
  amount: string;
  log: string[];
}

describe.each([
  { engine: 'Firefox', open: firefoxPage },
  { engine: 'WebKit', open: webkitPage },
])('the demo in $engine', ({ open }) => {
  let page: ScriptedPage;
  beforeAll(async () => {
    page = await open();
  });
  afterAll(async () => {
    await page?.close();
  });

  it.each([
    { mode: 'demo', protocol: 'HTTP/1.1' },
    { mode: 'demo-h2', protocol: 'HTTP/2' },
  ] as const)(
    'uploads by XHR and downloads to completion over $protocol (npm run $mode)',
    async ({ mode }) => {
      const demo = await startDemo(mode);
      try {
        await page.open(demo.url);
        await waitFor(page, `document.body.dataset.ready === 'true' || null`);
        await page.run(pickFile(3_000_000));
        const upload = await waitFor<Card>(page, finalCard('upload'));
        expect(upload).toMatchObject({ state: 'done', path: 'path: xhr' });
        expect(upload.log.some((line) => /sent 3\.00 MB/.test(line))).toBe(true);
        expect(upload.log.some((line) => /start attempt 2/.test(line))).toBe(false);
        await page.run(startDownload);
        const download = await waitFor<Card>(page, finalCard('download'));
        expect(download).toMatchObject({ state: 'done', amount: '1.00 MB of 1.00 MB' });
      } finally {
        await demo.close();
      }
    },
    60_000,
  );
});
