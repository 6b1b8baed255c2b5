import { type Download, resumeOffset } from '../bodies/receive-response.js';
import { now } from '../core/clock.js';
import type { TransferEvent } from '../core/events.js';
import type { TransferOptions } from '../core/options.js';
import { retryRules } from './retry-policy.js';
import { retryVerdict } from './retry-verdict.js';
import { isOffline, waitToRetry } from './wait-to-retry.js';

/** What the exchange gives the retry loop. */
export interface AttemptLoop {
  readonly options: TransferOptions;
  /** The response body held across attempts. */
  readonly download: Download;
  readonly method: string;
  /** Runs one attempt (an upload re-sent whole included), its first `start` numbered `attempt`, emitting to `emit`. */
  readonly run: (attempt: number, emit: (event: TransferEvent<unknown>) => void) => Promise<void>;
  readonly emit: (event: TransferEvent<unknown>) => void;
  /** Aborted when the whole exchange ends (unsubscribe, the caller's signal, the `total` limit). */
  readonly signal: AbortSignal;
  /** Milliseconds left before the `total` limit. */
  readonly remaining: () => number;
}

/**
 * Runs attempts until one completes, or a failure that the `retry` policy does not retry: that one
 * is thrown, once, with `notRetried` saying why (when the policy was asked). Between two attempts
 * it emits `retry` and waits; the exchange's end (its `signal`) stops the wait at once. Nothing is
 * held for a retry: each attempt reads its body again from the source.
 */
export async function retryAttempts(loop: AttemptLoop): Promise<void> {
  const { options, download, method, run, emit, signal, remaining } = loop;
  const rules = retryRules(options.retry);
  let attempt = 1;
  const counting = (event: TransferEvent<unknown>) => {
    if (event.type === 'start') attempt = event.attempt;
    emit(event);
  };
  for (let retries = 0; ; retries++) {
    try {
      return await run(retries === 0 ? 1 : attempt + 1, counting);
    } catch (error) {
      if (signal.aborted) throw error;
      const failed = {
        error,
        attempt,
        retries,
        method,
        unrepeatable: unrepeatable(options, download),
        remaining: remaining(),
      };
      // A message stream (lib/messages/) decides its reconnections itself, within the same policy.
      const verdict = download.messages
        ? await download.messages.reconnect(failed, rules)
        : rules.limit === 0
          ? undefined
          : await retryVerdict(failed, rules);
      if (signal.aborted || verdict === undefined) throw error;
      if (typeof verdict === 'string') {
        if (error instanceof Object) (error as { notRetried?: string }).notRetried = verdict;
        throw error;
      }
      const resumeFrom = resumeOffset(download);
      emit({ type: 'retry', time: now(), attempt: attempt + 1, error, ...verdict, offline: isOffline(), resumeFrom });
      await waitToRetry(verdict.delay, signal);
    }
  }
}

/** Why the request cannot go again, whatever the policy says; `undefined` when it can. */
function unrepeatable({ body }: TransferOptions, download: Download): string | undefined {
  if (body instanceof ReadableStream)
    return 'a ReadableStream body is sent once: give `body: () => stream` to retry it';
  if (resumeOffset(download) === undefined && download.body?.restartable() === false) {
    return 'the sink holds part of the body, which cannot be resumed (no strong validator or Accept-Ranges) nor truncated';
  }
  return undefined;
}
