/**
 * One exchange's cancellation. Aborting it first runs the `beforeAbort` steps (the request body
 * is errored there), then aborts `signal`, which fetch and every reader hold. The order matters:
 * a fetch's own abort steps run before any `abort` listener, and Chromium, aborted while a read of
 * an HTTP/2 request body is pending, can end the stream cleanly; nginx then stores the short body
 * as complete. A body errored first always reaches the server as a reset.
 */
export interface Cancellation {
  readonly signal: AbortSignal;
  /** Runs `step` first when the exchange is aborted; at once if it already was. */
  beforeAbort(step: (reason: unknown) => void): void;
  /** Runs the `beforeAbort` steps, then aborts `signal`; later calls do nothing. */
  abort(reason: unknown): void;
}

/** Creates the cancellation of one exchange. */
export function createCancellation(): Cancellation {
  const controller = new AbortController();
  let steps: ((reason: unknown) => void)[] = [];
  return {
    signal: controller.signal,
    beforeAbort(step) {
      if (controller.signal.aborted) step(controller.signal.reason);
      else steps.push(step);
    },
    abort(reason) {
      if (controller.signal.aborted) return;
      const pending = steps;
      steps = [];
      for (const step of pending) step(reason);
      controller.abort(reason);
    },
  };
}
