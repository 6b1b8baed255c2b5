/** The longest a spinner runs if nobody stops it. */
const MAX_SPIN_MS = 5 * 60_000;

/**
 * Keeps one CPU core busy from a Web Worker in the page (a tight loop that stops itself after
 * 5 minutes), so that races show up as they do on a loaded machine; returns the function that
 * stops it.
 */
export function spinWorker(): () => void {
  const source = `const end = Date.now() + ${MAX_SPIN_MS}; while (Date.now() < end) {}`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return () => worker.terminate();
}
