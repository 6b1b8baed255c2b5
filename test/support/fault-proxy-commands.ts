import type { BrowserCommand } from 'vitest/node';
import { type FaultProxy, type FaultProxyReport, startFaultProxy } from './fault-proxy.ts';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Starts a {@link FaultProxy} in the test runner's process; resolves with its origin. */
    startFaultProxy: (target: string, cutAfter: number, cuts?: number) => Promise<string>;
    /** What the proxy at `origin` has done so far. */
    faultProxyReport: (origin: string) => Promise<FaultProxyReport>;
    /** Stops the proxy at `origin`. */
    stopFaultProxy: (origin: string) => Promise<void>;
  }
}

const proxies = new Map<string, FaultProxy>();

/**
 * Browser commands (vite.config.ts) through which a page starts and stops fault proxies (test/support/fault-proxy.ts):
 * TCP servers that only Node can run. Each lives until stopped, or until the test runner exits.
 */
export const faultProxyCommands: {
  startFaultProxy: BrowserCommand<[target: string, cutAfter: number, cuts?: number], string>;
  faultProxyReport: BrowserCommand<[origin: string], FaultProxyReport>;
  stopFaultProxy: BrowserCommand<[origin: string], void>;
} = {
  startFaultProxy: async (_context, target, cutAfter, cuts) => {
    const proxy = await startFaultProxy(target, cutAfter, cuts);
    proxies.set(proxy.origin, proxy);
    return proxy.origin;
  },
  faultProxyReport: (_context, origin) => {
    const proxy = proxies.get(origin);
    if (proxy === undefined) throw new Error(`no fault proxy at ${origin}`);
    return proxy.report();
  },
  stopFaultProxy: async (_context, origin) => {
    await proxies.get(origin)?.close();
    proxies.delete(origin);
  },
};
