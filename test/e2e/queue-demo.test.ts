/**
 * Issue 15's demo panel (`rx-transfer/queue`) in Chromium, over the demo's own endpoints (`npm run demo`): a set of
 * paced downloads with one failure and some unknown sizes, the aggregate bar and figures, the throughput chart, the
 * concurrency limit as the page saw it; pause, resume and cancel all. The first test saves the README's screenshot.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, startDemo } from './demo-harness.js';

const SHOTS = 'test-results/e2e';
/**
 * The panel mid-run, as the README shows it (`docs/queue-demo.png`): written here, not over the tracked file, so that
 * a test run leaves the checkout as it found it; copy it to docs/ to refresh the README's screenshot.
 */
const README_SHOT = join(SHOTS, 'queue-demo.png');
const FINAL = 30_000;

let browser: Browser;
let demo: Awaited<ReturnType<typeof startDemo>>;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  demo = await startDemo('demo');
});
afterAll(async () => {
  await demo?.close();
  await browser?.close();
});

/** Chooses the set in the panel's form and starts it. */
async function startSet(
  page: Page,
  set: { count: string; size: string; rate: string; concurrency: string; unknown?: boolean; failing?: boolean },
): Promise<void> {
  await page.selectOption('#queue-form select[name="count"]', set.count);
  await page.selectOption('#queue-form select[name="size"]', set.size);
  await page.selectOption('#queue-form select[name="rate"]', set.rate);
  await page.selectOption('#queue-form select[name="concurrency"]', set.concurrency);
  await page.setChecked('#queue-form input[name="unknown"]', set.unknown === true);
  await page.setChecked('#queue-form input[name="failing"]', set.failing === true);
  await page.click('#queue-form button[type="submit"]');
}

const panelData = (page: Page, name: string) => page.locator('#queue-panel').getAttribute(`data-${name}`);
const rowStates = (page: Page) =>
  page.locator('#queue-items li').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.state));

describe('the queue panel of the demo (npm run demo)', () => {
  it('downloads a set 4 at a time with one aggregate bar and a live throughput chart, honest about unknown sizes and a failure', async () => {
    const { page, errors } = await openPage(browser, demo.url);
    await startSet(page, {
      count: '12',
      size: '4000000',
      rate: '2000000',
      concurrency: '4',
      unknown: true,
      failing: true,
    });
    // Mid-run: four items move, the chart has lines, the figures say which part is partial.
    await expect.poll(() => panelData(page, 'running'), { timeout: FINAL }).toBe('4');
    await expect
      .poll(async () => Number(await page.locator('#queue-chart').getAttribute('data-points')), { timeout: FINAL })
      .toBeGreaterThan(16);
    expect(Number(await page.locator('#queue-chart').getAttribute('data-lines'))).toBeGreaterThanOrEqual(4);
    expect(await page.locator('#queue-partial').textContent()).toMatch(
      /^Partial: \d+ of 12 items have no known size yet/,
    );
    // Four ran (polled above); between one item's end and the next one's start, three run for a moment.
    expect(await page.locator('#queue-counts').textContent()).toMatch(
      /^[34] running · \d+ waiting · \d+ done · \d failed · 0 cancelled$/,
    );
    await page.locator('#queue-panel').screenshot({ path: README_SHOT });

    await expect.poll(() => panelData(page, 'state'), { timeout: FINAL }).toBe('idle');
    expect(await page.locator('#queue-summary').textContent()).toMatch(
      /^11 of 12 done, 1 failed \(file-07\.bin\), 0 cancelled: 44\.0 MB in \d+ s$/,
    );
    expect(await panelData(page, 'most-running')).toBe('4');
    const states = await rowStates(page);
    expect(states.filter((state) => state === 'done')).toHaveLength(11);
    expect(states.filter((state) => state === 'failed')).toHaveLength(1);
    expect(await page.locator('#queue-items li[data-state="failed"] .state').textContent()).toBe(
      'failed: HTTPError: 500 the server broke',
    );
    // Every third item had no stated length: they stay unknown, so the final figures are partial, and say so.
    expect(await page.locator('#queue-partial').isVisible()).toBe(true);
    expect(await page.locator('#queue-amount').textContent()).toBe('28.0 MB of 28.0 MB + 16.0 MB of unknown size');
    expect(await page.locator('#announcer').textContent()).toMatch(/^Queue: 11 of 12 done/);
    await page.screenshot({ path: join(SHOTS, 'queue-demo-done.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('reaches 100% once every item of a set with known sizes is done, never exceeding its concurrency', async () => {
    const { page } = await openPage(browser, demo.url);
    const percents: number[] = [];
    await page.exposeFunction('notePercent', (value: string) => percents.push(Number(value)));
    await page.evaluate(() => {
      const panel = document.querySelector('#queue-panel') as HTMLElement;
      new MutationObserver(() => {
        if (panel.dataset.percent)
          (window as unknown as { notePercent(v: string): void }).notePercent(panel.dataset.percent);
      }).observe(panel, { attributes: true, attributeFilter: ['data-percent'] });
    });
    await startSet(page, { count: '6', size: '4000000', rate: '4000000', concurrency: '2' });
    await expect.poll(() => panelData(page, 'state'), { timeout: FINAL }).toBe('idle');
    expect(await page.locator('#queue-summary').textContent()).toMatch(/^6 of 6 done, 0 failed, 0 cancelled: 24\.0 MB/);
    expect(await panelData(page, 'most-running')).toBe('2');
    expect(await page.locator('#queue-bar').getAttribute('value')).toBe('100');
    expect(percents.length).toBeGreaterThan(2);
    expect(percents.filter((percent) => percent === 100)).toHaveLength(1);
    expect(percents.every((percent, i) => i === 0 || percent >= (percents[i - 1] as number))).toBe(true);
  });

  it('pauses (the running items finish, no other starts), resumes, and cancels all', async () => {
    const { page } = await openPage(browser, demo.url);
    await startSet(page, { count: '6', size: '1000000', rate: '2000000', concurrency: '2' });
    await page.click('#queue-pause');
    expect(await page.locator('#queue-pause').getAttribute('aria-pressed')).toBe('true');
    await expect
      .poll(() => rowStates(page), { timeout: FINAL })
      .toEqual(['done', 'done', 'waiting', 'waiting', 'waiting', 'waiting']);
    // The aggregate is sampled (every 250 ms here): its figures follow the rows within an interval.
    await expect
      .poll(() => page.locator('#queue-counts').textContent())
      .toBe('0 running · 4 waiting · 2 done · 0 failed · 0 cancelled');
    await page.click('#queue-pause');
    await expect.poll(() => panelData(page, 'running'), { timeout: FINAL }).toBe('2');
    await page.click('#queue-cancel');
    await expect.poll(() => panelData(page, 'state'), { timeout: FINAL }).toBe('idle');
    expect(await page.locator('#queue-summary').textContent()).toMatch(/^2 of 6 done, 0 failed, 4 cancelled/);
    expect(await rowStates(page)).toEqual(['done', 'done', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
  });
});
