import { setTimeout as sleep } from 'node:timers/promises';

/** Waits `ms`, or less if `signal` aborts first; resolves either way and leaves no timer behind. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(Math.max(0, ms), undefined, { signal }).catch(() => undefined);
}

/** Resolves once `signal` aborts. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
