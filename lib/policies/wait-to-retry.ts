/** Whether the platform reports itself offline (`navigator.onLine`, in pages and workers; never in Node). */
export const isOffline = (): boolean => (globalThis.navigator as Navigator | undefined)?.onLine === false;

/**
 * Waits `delay` milliseconds, then, where the platform reports itself offline, for its `online`
 * event. Rejects with the signal's reason as soon as `signal` aborts, with every timer and listener
 * removed: a cancelled wait is followed by no request.
 */
export function waitToRetry(delay: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      globalThis.removeEventListener?.('online', online);
      signal.removeEventListener('abort', abort);
    };
    const online = () => {
      done();
      resolve();
    };
    const abort = () => {
      done();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort);
    timer = setTimeout(() => {
      if (isOffline()) globalThis.addEventListener('online', online);
      else online();
    }, delay);
  });
}
