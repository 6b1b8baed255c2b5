import { defineBrowserProvider } from '@vitest/browser';
import { WebdriverBrowserProvider } from '@vitest/browser-webdriverio';
import type { BrowserProvider, TestProject } from 'vitest/node';
import { startWebKitDriver, WEBKIT_CAPABILITIES, type WebKitDriver } from './webkit-driver.ts';

/**
 * A Vitest browser provider for Debian's WebKitGTK MiniBrowser: Vitest's webdriverio provider
 * over WebDriver classic, talking to a WebKitWebDriver that it starts on a free port, on an Xvfb
 * display of its own (MiniBrowser has no headless mode); both are stopped by their PIDs on close.
 * Self-signed HTTPS origins (the test servers) are accepted; without that a page stays blank.
 */
export function webkitGtk() {
  return defineBrowserProvider({
    name: 'webkitgtk',
    supportedBrowser: ['safari'],
    options: {},
    // @vitest/browser-webdriverio 5.0.0 (the latest) declares vitest 5.0's CDPSession type.
    providerFactory: (project: TestProject) => new WebKitGtkProvider(project) as unknown as BrowserProvider,
  });
}

class WebKitGtkProvider extends WebdriverBrowserProvider {
  private driver: WebKitDriver | undefined;

  /** The object the base class reads its webdriverio options from; filled once the driver runs. */
  private readonly driverOptions: Record<string, unknown>;

  constructor(project: TestProject, driverOptions: Record<string, unknown> = {}) {
    super(project, driverOptions);
    this.driverOptions = driverOptions;
  }

  override async openBrowser() {
    if (!this.browser && this.driver === undefined) {
      this.driver = await startWebKitDriver();
      Object.assign(this.driverOptions, {
        hostname: '127.0.0.1',
        port: this.driver.port,
        // Vitest sends browserName 'safari'; WebKitWebDriver accepts only 'MiniBrowser' or none.
        transformRequest: dropBrowserName,
        capabilities: WEBKIT_CAPABILITIES,
      });
    }
    return super.openBrowser();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.driver?.stop();
      this.driver = undefined;
    }
  }
}

function dropBrowserName(request: RequestInit): RequestInit {
  if (typeof request.body !== 'string' || !request.body.includes('"capabilities"')) return request;
  const body = JSON.parse(request.body) as { capabilities?: { alwaysMatch?: object; firstMatch?: object[] } };
  const caps = body.capabilities;
  for (const set of [caps?.alwaysMatch, ...(caps?.firstMatch ?? [])])
    if (set) delete (set as { browserName?: string }).browserName;
  return { ...request, body: JSON.stringify(body) };
}
