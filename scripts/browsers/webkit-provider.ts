import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { defineBrowserProvider } from '@vitest/browser';
import { WebdriverBrowserProvider } from '@vitest/browser-webdriverio';
import type { BrowserProvider, TestProject } from 'vitest/node';

/** Debian's WebKitGTK browser and its WebDriver (webkit2gtk-driver; scripts/ensure-browsers.sh). */
export const MINIBROWSER_PATH = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WEBKIT_DRIVER_PATH = '/usr/bin/WebKitWebDriver';

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
  private processes: ChildProcess[] = [];

  /** The object the base class reads its webdriverio options from; filled once the driver runs. */
  private readonly driverOptions: Record<string, unknown>;

  constructor(project: TestProject, driverOptions: Record<string, unknown> = {}) {
    super(project, driverOptions);
    this.driverOptions = driverOptions;
  }

  override async openBrowser() {
    if (!this.browser && this.processes.length === 0) {
      const display = await this.startXvfb();
      const port = await freePort();
      const driver = this.track(
        spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], {
          env: { ...process.env, DISPLAY: `:${display}` },
          stdio: 'ignore',
        }),
      );
      await waitForDriver(port, driver);
      Object.assign(this.driverOptions, {
        hostname: '127.0.0.1',
        port,
        // Vitest sends browserName 'safari'; WebKitWebDriver accepts only 'MiniBrowser' or none.
        transformRequest: dropBrowserName,
        capabilities: {
          'wdio:enforceWebDriverClassic': true,
          acceptInsecureCerts: true,
          'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
        },
      });
    }
    return super.openBrowser();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.stopProcesses();
    }
  }

  /** Stops the driver, then Xvfb, by the PIDs this provider started; also run if Vitest exits first. */
  private readonly stopProcesses = (): void => {
    for (const child of this.processes.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    this.processes = [];
    process.off('exit', this.stopProcesses);
  };

  private track(child: ChildProcess): ChildProcess {
    if (this.processes.length === 0) process.once('exit', this.stopProcesses);
    this.processes.push(child);
    return child;
  }

  /** Starts Xvfb on the first free display, which it reports on fd 3. */
  private async startXvfb(): Promise<string> {
    const xvfb = this.track(
      spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      }),
    );
    const fd = xvfb.stdio[3] as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of fd) {
      text += String(chunk);
      if (text.includes('\n')) return text.trim();
    }
    throw new Error(`Xvfb exited (${xvfb.exitCode}) before reporting its display`);
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

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Polls the driver's /status (bounded: 10 s) until it answers. */
async function waitForDriver(port: number, driver: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on port ${port} within 10 s`);
}
