import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORY } from '../../scripts/server/serve-messages.ts';
import { iconOf, launchChromium, openPage, serveStaticDemo, startDemo } from './demo-harness.js';

const SHOTS = 'test-results/e2e';
const FINAL = 20_000;

let browser: Browser;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The newest card of a kind (cards are prepended). */
const newest = (page: Page, kind: 'upload' | 'download') => page.locator(`li.card[data-kind="${kind}"]`).first();

/** Waits until a card shows a final state, and returns it with the state's text. */
async function finalState(card: Locator): Promise<{ state: string | null; text: string }> {
  await card.locator('xpath=self::*[@data-state!="running"]').waitFor({ timeout: FINAL });
  return { state: await card.getAttribute('data-state'), text: (await card.locator('.state').textContent()) ?? '' };
}

/** Records every value the page's progress bars take from now on (`barValues` reads them). */
function watchBars(page: Page): Promise<void> {
  return page.evaluate(() => {
    const values: number[] = [];
    Object.assign(window, { barValues: values });
    new MutationObserver((records) => {
      for (const record of records) values.push(Number((record.target as Element).getAttribute('value')));
    }).observe(document.querySelector('#transfers') as Element, {
      subtree: true,
      attributes: true,
      attributeFilter: ['value'],
    });
  });
}

const barValues = (page: Page) => page.evaluate(() => (window as unknown as { barValues: number[] }).barValues);

async function uploadFile(page: Page, size: number, name = 'photo.bin'): Promise<Locator> {
  await page.setInputFiles('#files', { name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(size, 7) });
  return newest(page, 'upload');
}

async function startDownload(
  page: Page,
  choices: { size?: string; rate?: string; failure?: string },
): Promise<Locator> {
  await page.selectOption('select[name="size"]', choices.size ?? '1000000');
  await page.selectOption('select[name="rate"]', choices.rate ?? '');
  await page.selectOption('select[name="failure"]', choices.failure ?? '');
  const before = await page.locator('li.card[data-kind="download"]').count();
  await page.click('#download-form button[type="submit"]');
  await expect.poll(() => page.locator('li.card[data-kind="download"]').count()).toBe(before + 1);
  return newest(page, 'download');
}

describe('the demo over plain HTTP/1.1 (npm run demo)', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  beforeAll(async () => {
    demo = await startDemo('demo');
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('runs an upload and a download to completion, cancels a third, and shows a failure', async () => {
    const { page, errors, consoleErrors } = await openPage(browser, demo.url);
    expect(await page.locator('#mode').textContent()).toMatch(/HTTP\/1\.1.*go by XHR/);

    const upload = await uploadFile(page, 3_000_000);
    expect(await finalState(upload)).toEqual({ state: 'done', text: 'done' });
    // The first upload of a plain-HTTP page provokes no refused streamed attempt (no ALPN error in the console).
    expect(consoleErrors).toEqual([]);
    expect(await upload.locator('.path').textContent()).toBe('path: xhr');
    const uploadLog = await upload.locator('.log li').allTextContents();
    // A plain-HTTP origin is HTTP/1.1 in every browser: straight to XHR, no refused attempt, no console error.
    expect(uploadLog.some((line) => /start attempt 1 POST .* via xhr/.test(line))).toBe(true);
    expect(uploadLog.some((line) => /start attempt 2/.test(line))).toBe(false);
    expect(uploadLog.some((line) => /sent 3\.00 MB/.test(line))).toBe(true);

    const download = await startDownload(page, { size: '1000000' });
    expect(await finalState(download)).toEqual({ state: 'done', text: 'done' });
    expect(await download.locator('.amount').textContent()).toBe('1.00 MB of 1.00 MB');
    expect(await download.locator('.preview').textContent()).toMatch(/^000000 {2}00 01 02 03/);
    expect(await download.locator('.timeline li.reached').count()).toBe(3);

    const slow = await startDownload(page, { size: '128000000', rate: '2000000' });
    await expect.poll(() => slow.locator('progress').getAttribute('value'), { timeout: FINAL }).not.toBeNull();
    await slow.locator('button.cancel').click();
    expect(await finalState(slow)).toEqual({ state: 'cancelled', text: 'cancelled' });
    expect(await slow.locator('.log li').last().textContent()).toBe('cancelled: unsubscribed');

    const failed = await startDownload(page, { failure: 'status' });
    expect(await finalState(failed)).toEqual({ state: 'failed', text: 'failed: HTTPError: 500 the server broke' });
    expect(await page.locator('#announcer').textContent()).toContain('failed: HTTPError: 500');

    const dropped = await startDownload(page, { size: '16000000', failure: 'cut' });
    expect((await finalState(dropped)).text).toMatch(
      /^failed: TruncatedBodyError: Response body ended after \d+ of 16000000 bytes/,
    );

    await page.screenshot({ path: join(SHOTS, 'demo-http1.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('resumes a download dropped twice: the bar holds and goes on, a line per resume, the sha-256 checked', async () => {
    const { page, errors } = await openPage(browser, demo.url);
    await watchBars(page);
    const resumed = await startDownload(page, { size: '16000000', rate: '8000000', failure: 'resume' });
    expect(await finalState(resumed)).toEqual({ state: 'done', text: 'done' });
    expect(await resumed.locator('.resumes li').allTextContents()).toEqual([
      'attempt 2 resumes from 6.40 MB (Range: bytes=6400000-): 206, bytes 6400000-15999999/16000000',
      'attempt 3 resumes from 12.0 MB (Range: bytes=12000000-): 206, bytes 12000000-15999999/16000000',
    ]);
    expect(await resumed.locator('.digest').textContent()).toBe('sha-256 checked: the body matches');
    const bars = await barValues(page);
    expect(bars.filter((value, index) => value < (bars[index - 1] ?? 0))).toEqual([]);
    expect(bars.at(-1)).toBe(100);
    // The card sets 100 again on `complete`: before that, 100 came once.
    expect(bars.slice(0, -1).filter((value) => value === 100)).toHaveLength(1);
    const log = await resumed.locator('.log li').allTextContents();
    expect(log.filter((line) => /retry: attempt \d from byte \d+/.test(line))).toHaveLength(2);
    await page.screenshot({ path: join(SHOTS, 'demo-resume.png'), fullPage: true });

    const corrupted = await startDownload(page, { size: '1000000', failure: 'resume-corrupt' });
    expect((await finalState(corrupted)).text).toMatch(/^failed: IntegrityError: The body does not match/);
    expect(await corrupted.locator('.resumes li').count()).toBe(2);
    expect(await corrupted.locator('.digest').textContent()).toMatch(/^IntegrityError: sha-256 expected \S+, got \S+$/);
    expect(errors).toEqual([]);
  });

  it('streams a story word by word over SSE, reconnects after a drop with Last-Event-ID, and tails an NDJSON log', async () => {
    const { page, errors } = await openPage(browser, demo.url);
    await page.selectOption('select[name="stream"]', 'story');
    await page.check('input[name="drop"]');
    await page.click('#messages-form button[type="submit"]');
    const story = page.locator('li.card[data-kind="messages"]').first();
    await expect.poll(() => story.locator('.messages').textContent(), { timeout: FINAL }).toMatch(/^Once upon/);
    expect(await finalState(story)).toEqual({ state: 'done', text: 'done' });
    // Every word once, in order: the reconnect went on after the last event ID it had.
    expect(await story.locator('.messages').textContent()).toBe(`${STORY} `);
    expect(await story.locator('.reconnects').textContent()).toBe('reconnects: 1');
    const log = await story.locator('.log li').allTextContents();
    expect(log.some((line) => /retry: attempt 2 in .* after NetworkError/.test(line))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'demo-messages.png'), fullPage: true });

    await page.selectOption('select[name="stream"]', 'log');
    await page.uncheck('input[name="drop"]');
    await page.click('#messages-form button[type="submit"]');
    const tail = page.locator('li.card[data-kind="messages"]').first();
    expect(await finalState(tail)).toEqual({ state: 'done', text: 'done' });
    expect(await tail.locator('.count').textContent()).toBe('40 messages');
    expect(await tail.locator('.messages li').last().textContent()).toBe('{"n":40,"text":"message 40 é ✓ 🎉"}');
    expect(errors).toEqual([]);
  });

  it('has an icon, so the browser finds its favicon', async () => {
    const { page } = await openPage(browser, demo.url);
    expect(await iconOf(page)).toEqual({ status: 200, type: 'image/svg+xml' });
  });

  it('stays readable at phone width', async () => {
    const { page } = await openPage(browser, demo.url, 390);
    await finalState(await startDownload(page, {}));
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'demo-phone.png'), fullPage: true });
  });
});

describe('the demo over HTTPS with HTTP/2 (npm run demo:h2)', () => {
  it('streams an upload on the fetch-stream path', async () => {
    const demo = await startDemo('demo-h2');
    try {
      const { page } = await openPage(browser, demo.url);
      expect(await page.locator('#mode').textContent()).toMatch(/HTTP\/2/);
      const upload = await uploadFile(page, 5_000_000);
      expect(await finalState(upload)).toEqual({ state: 'done', text: 'done' });
      expect(await upload.locator('.path').textContent()).toBe('path: fetch-stream');
      await page.screenshot({ path: join(SHOTS, 'demo-h2.png'), fullPage: true });
    } finally {
      await demo.close();
    }
  });
});

describe('the static build (npm run build:demo)', () => {
  it('completes a download, and one dropped twice and resumed, with no server behind it (the service worker)', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'rx-transfer-demo-'));
    const site = await serveStaticDemo(outDir);
    try {
      const { page } = await openPage(browser, site.url);
      expect(await page.locator('#mode').textContent()).toMatch(/service worker \(MSW\).*coarse/);
      expect(await iconOf(page)).toEqual({ status: 200, type: 'image/svg+xml' });
      const download = await startDownload(page, { size: '1000000' });
      expect(await finalState(download)).toEqual({ state: 'done', text: 'done' });
      expect(await download.locator('.amount').textContent()).toBe('1.00 MB of 1.00 MB');
      const resumed = await startDownload(page, { size: '1000000', failure: 'resume' });
      expect(await finalState(resumed)).toEqual({ state: 'done', text: 'done' });
      expect(await resumed.locator('.resumes li').allTextContents()).toEqual([
        'attempt 2 resumes from 400.0 kB (Range: bytes=400000-): 206, bytes 400000-999999/1000000',
        'attempt 3 resumes from 750.0 kB (Range: bytes=750000-): 206, bytes 750000-999999/1000000',
      ]);
      expect(await resumed.locator('.digest').textContent()).toBe('sha-256 checked: the body matches');
      await page.screenshot({ path: join(SHOTS, 'demo-static.png'), fullPage: true });
    } finally {
      await site.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
