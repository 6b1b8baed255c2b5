import type { TestProject } from 'vitest/node';
import { type NginxOrigins, startNginx } from '../../scripts/nginx/start-nginx.ts';
import { startTransferServer } from '../../scripts/server/transfer-server.ts';
import type { FaultProxyReport } from '../support/fault-proxy.ts';
import { startProxyControl } from '../support/proxy-control.ts';
import { startTusServer } from '../support/tus-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The real test server over plain HTTP/1.1. */
    http1: string;
    /** The same server over HTTPS with HTTP/2. */
    http2: string;
    /** Debian's nginx (scripts/nginx/start-nginx.ts): HTTPS + HTTP/2, plain HTTP/1.1, HTTPS with HTTP/1.1 only. */
    nginx: NginxOrigins;
    /** The nginx instance's directory: what it serves is under `files/` (see test/support/browser-commands.ts). */
    nginxDir: string;
    /** `@tus/server`'s creation endpoint (test/support/tus-server.ts), plain HTTP/1.1. */
    tus: string;
    /** Where a page starts TCP proxies that cut or stall connections (test/support/proxy-control.ts). */
    proxyControl: string;
  }
}

declare module 'vitest/browser' {
  /** The project's own commands (test/support/browser-commands.ts), run in Node. */
  export interface BrowserCommands {
    servePattern: (dir: string, path: string, size: number) => Promise<void>;
    startCutProxy: (
      target: string,
      at: number[],
      lingerMs: number,
      touch?: { dir: string; path: string },
    ) => Promise<string>;
    closeCutProxy: (origin: string) => Promise<FaultProxyReport | undefined>;
  }
}

/** Starts the real test server and nginx (127.0.0.1, free ports) for the browser tests, and stops them after. */
export default async function setup(project: TestProject) {
  const [serverStart, nginxStart] = await Promise.allSettled([startTransferServer(), startNginx()]);
  if (serverStart.status === 'rejected' || nginxStart.status === 'rejected') {
    for (const start of [serverStart, nginxStart]) if (start.status === 'fulfilled') await start.value.close();
    throw serverStart.status === 'rejected' ? serverStart.reason : (nginxStart as PromiseRejectedResult).reason;
  }
  const [server, nginx] = [serverStart.value, nginxStart.value];
  project.provide('http1', server.http1);
  project.provide('http2', server.http2);
  project.provide('nginx', { h2: nginx.h2, h1: nginx.h1, h1tls: nginx.h1tls });
  project.provide('nginxDir', nginx.dir);
  const [tus, proxyControl] = await Promise.all([startTusServer({ maxSize: 300 * 2 ** 20 }), startProxyControl()]);
  project.provide('tus', tus.endpoint);
  project.provide('proxyControl', proxyControl.origin);
  return async () => {
    await Promise.all([server.close(), nginx.close(), tus.close(), proxyControl.close()]);
  };
}
