import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../scripts/server/main.ts', import.meta.url));

/** The real transfer server, running in a child process of its own so that it never shares the client's event loop. */
export interface ServerProcess {
  /** Plain HTTP/1.1 origin. */
  readonly http1: string;
  /** HTTPS origin with HTTP/2 by ALPN. */
  readonly http2: string;
  /** SPKI hash of the run-time certificate. */
  readonly spki: string;
  /** Stops the server (SIGTERM) and waits for the child to exit. */
  stop(): Promise<void>;
}

/** Starts `scripts/server/main.ts` in a child process; it stops by itself after `lifetimeMs` in any case. */
export async function startServerProcess(lifetimeMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [main, `--lifetime-ms=${lifetimeMs}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  const line = await firstLine(child);
  const { http1, http2, spki } = JSON.parse(line) as { http1: string; http2: string; spki: string };
  return {
    http1,
    http2,
    spki,
    async stop() {
      process.off('exit', stopOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`transfer server exited early (code ${code})`)));
  });
}
