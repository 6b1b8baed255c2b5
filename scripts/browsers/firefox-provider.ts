import { defineBrowserProvider } from '@vitest/browser';
import type { Browser, Page } from 'puppeteer-core';
import type { BrowserCommand, BrowserProvider, TestProject } from 'vitest/node';

/** Debian's Firefox ESR (scripts/ensure-browsers.sh installs it). */
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/**
 * A Vitest browser provider for Debian's Firefox ESR, driven headless by puppeteer-core over
 * WebDriver BiDi. Debian has no geckodriver (which webdriverio would need) and Playwright's
 * Firefox is Playwright's own build, so neither built-in provider can drive it here.
 * Self-signed HTTPS origins (the test servers) are accepted.
 */
export function puppeteerFirefox() {
  return defineBrowserProvider({
    name: 'puppeteer-firefox',
    supportedBrowser: ['firefox'],
    options: {},
    providerFactory: (project: TestProject) => new PuppeteerFirefoxProvider(project),
  });
}

class PuppeteerFirefoxProvider implements BrowserProvider {
  readonly name = 'puppeteer-firefox';
  readonly supportsParallelism = false;
  private browser: Promise<Browser> | undefined;
  private readonly pages = new Map<string, Page>();

  constructor(private readonly project: TestProject) {
    const setViewport: BrowserCommand<[{ width: number; height: number }]> = async (context, size) => {
      await this.pages.get(context.sessionId)?.setViewport(size);
    };
    // Vitest's own command (the page's viewport), missing from its public command types.
    project.browser?.registerCommand('__vitest_viewport' as never, setViewport as never);
  }

  getCommandsContext(sessionId: string): Record<string, unknown> {
    return { page: this.pages.get(sessionId) };
  }

  async openPage(sessionId: string, url: string): Promise<void> {
    this.browser ??= import('puppeteer-core').then(({ launch }) =>
      launch({
        browser: 'firefox',
        executablePath: FIREFOX_PATH,
        headless: this.project.config.browser.headless,
        acceptInsecureCerts: true,
      }),
    );
    const page = await (await this.browser).newPage();
    this.pages.set(sessionId, page);
    await page.goto(url);
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    this.pages.clear();
    await (await browser)?.close();
  }
}
