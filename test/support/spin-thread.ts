import { Worker } from 'node:worker_threads';

/** The longest a spinner runs if nobody stops it. */
const MAX_SPIN_MS = 5 * 60_000;

/**
 * Keeps one CPU core busy from a worker thread (a tight loop that stops itself after 5 minutes),
 * so that races show up as they do on a loaded machine; resolves to the function that stops it.
 */
export async function spinThread(): Promise<() => Promise<void>> {
  const worker = new Worker(`const end = Date.now() + ${MAX_SPIN_MS}; while (Date.now() < end) {}`, { eval: true });
  worker.unref();
  await new Promise((resolve) => worker.once('online', resolve));
  return async () => {
    await worker.terminate();
  };
}
