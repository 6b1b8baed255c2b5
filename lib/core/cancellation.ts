/**
 * One exchange's cancellation. Aborting it first runs the `beforeAbort` steps (the request body is
 * errored there), then aborts `signal`, which fetch and every reader hold, once the promises those
 * steps returned have settled (at most {@link SETTLE_LIMIT_MS} later). The order matters: a
 * fetch's own abort steps run before any `abort` listener, and Chromium, aborted while a read of an
 * HTTP/2 request body is pending, can end the stream cleanly; nginx then stores the short body as
 * complete. A body errored first always reaches the server as a reset. And Chromium, aborted after
 * its request body was errored, cancels that errored stream and leaves the rejection unhandled (an
 * "Uncaught (in promise)" in every page): so the fetch that the errored body fails is let settle first,
 * and the signal is not aborted at all when every such promise rejected (nothing is left running).
 * A body that no read waits on (a stalled server takes nothing more) is errored only at its next
 * read (lib/bodies/counted-stream.ts): the fetch it would fail is then still running at the
 * limit, and Chromium's cancel of a body still readable leaves nothing unhandled.
 */
export interface Cancellation {
  readonly signal: AbortSignal;
  /**
   * Runs `step` first when the exchange is aborted (at once if it already was); the abort of
   * `signal` waits for the promise it returns, if any, and is left out when all such promises reject.
   */
  beforeAbort(step: (reason: unknown) => PromiseLike<unknown> | undefined): void;
  /** Runs the `beforeAbort` steps, then aborts `signal`; later calls do nothing. */
  abort(reason: unknown): void;
}

const isFulfilled = (result: PromiseSettledResult<unknown>) => result.status === 'fulfilled';

/** Longest wait for a fetch failed by its errored body before the signal is aborted anyway. */
export const SETTLE_LIMIT_MS = 1000;

/** Creates the cancellation of one exchange. */
export function createCancellation(): Cancellation {
  const controller = new AbortController();
  let steps: ((reason: unknown) => PromiseLike<unknown> | undefined)[] | undefined = [];
  return {
    signal: controller.signal,
    beforeAbort(step) {
      if (steps === undefined) step(controller.signal.reason);
      else steps.push(step);
    },
    abort(reason) {
      if (steps === undefined) return;
      const pending = steps.map((step) => step(reason)).filter((settled) => settled !== undefined);
      steps = undefined;
      if (pending.length === 0) return controller.abort(reason);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise((resolve) => {
        timer = setTimeout(resolve, SETTLE_LIMIT_MS);
      });
      // A step's promise that rejected has ended by itself (the fetch its errored body failed): aborting
      // it as well is what leaves Chromium's rejection unhandled.
      const stillRunning = Promise.allSettled(pending).then((results) => results.some(isFulfilled));
      void Promise.race([stillRunning, limit]).then((running) => {
        clearTimeout(timer);
        if (running !== false) controller.abort(reason);
      });
    },
  };
}
