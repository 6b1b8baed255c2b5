import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** Debian's WebKitGTK browser and its WebDriver (webkit2gtk-driver; scripts/ensure-browsers.sh). */
export const MINIBROWSER_PATH = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WEBKIT_DRIVER_PATH = '/usr/bin/WebKitWebDriver';

/** The capabilities of a MiniBrowser session: WebDriver classic, self-signed certificates accepted. */
export const WEBKIT_CAPABILITIES = {
  'wdio:enforceWebDriverClassic': true,
  // Without it a self-signed HTTPS page silently stays blank.
  acceptInsecureCerts: true,
  'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
};

/** A running WebKitWebDriver on its own Xvfb display. */
export interface WebKitDriver {
  readonly port: number;
  /** Stops the driver, then Xvfb, by the PIDs started here. */
  stop(): void;
}

/**
 * Starts Xvfb on the first free display (MiniBrowser has no headless mode) and WebKitWebDriver
 * on a free 127.0.0.1 port, and waits (bounded) until the driver answers. Both are also stopped
 * if the process exits first.
 */
export async function startWebKitDriver(): Promise<WebKitDriver> {
  const processes: ChildProcess[] = [];
  const stop = () => {
    for (const child of processes.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    processes.length = 0;
    process.off('exit', stop);
  };
  process.once('exit', stop);
  try {
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    processes.push(xvfb);
    const display = await displayOf(xvfb);
    const port = await freePort();
    const driver = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], {
      env: { ...process.env, DISPLAY: `:${display}` },
      stdio: 'ignore',
    });
    processes.push(driver);
    await waitForDriver(port, driver);
    return { port, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** The display number Xvfb reports on fd 3 once it is ready. */
async function displayOf(xvfb: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of xvfb.stdio[3] as NodeJS.ReadableStream) {
    text += String(chunk);
    if (text.includes('\n')) return text.trim();
  }
  throw new Error(`Xvfb exited (${xvfb.exitCode}) before reporting its display`);
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
