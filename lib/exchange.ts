import { isNetworkError } from 'ky';
import { sendAttempt, streamBodyRefused } from './attempt.js';
import type { TransferEvent } from './events.js';
import type { TransferOptions } from './options.js';
import { receiveResponse } from './receive-response.js';
import { prepareBody } from './request-body.js';
import { fallbackTransport, rememberTransport, selectTransport, streamsKnownToWork } from './transport.js';
import { createUploadTracker, type UploadTracker } from './upload-tracker.js';
import { methodOf } from './validate-options.js';

/**
 * Runs one exchange to its end, emitting its lifecycle events in order; resolves after
 * `complete` or rejects with the failure. Aborting `signal` aborts everything under way,
 * a body read included. Options are assumed valid and `url` resolved ({@link validateOptions}).
 *
 * A streamed attempt that fails before the network took any of its body (Chromium refuses
 * streamed bodies over HTTP/1.1 at once: nothing reached the server, so re-sending is safe
 * even for POST) is re-sent once, as attempt 2, on the fallback transport; the origin is
 * remembered so that its next uploads go there directly.
 */
export async function runExchange(
  options: TransferOptions,
  url: URL,
  emit: (event: TransferEvent<unknown>) => void,
  signal: AbortSignal,
): Promise<void> {
  const method = methodOf(options);
  // Awaited even without a body: no event may arrive before `subscribe` has returned.
  const body = await prepareBody(options.body, options.json, { method, url: String(options.url) });
  // Only an upload needs its origin (the transport remembered for it); a URL computes it on each read.
  const origin = body === undefined ? '' : url.origin;
  let transport = selectTransport(body, origin);
  for (let attempt = 1; ; attempt++) {
    const granularity = transport === 'xhr' ? 'browser' : 'chunk';
    const upload = body === undefined ? undefined : createUploadTracker(body.total, granularity, emit);
    const plan = { options, url, method, body, transport, upload, attempt, emit, signal };
    let sent: Awaited<ReturnType<typeof sendAttempt>>;
    try {
      sent = await sendAttempt(plan);
    } catch (error) {
      if (!refusedBeforeSending(error, plan.transport, upload, signal, origin) || attempt > 1) throw error;
      transport = fallbackTransport();
      rememberTransport(origin, transport);
      if (body?.whole === undefined) throw streamBodyRefused(plan, error);
      continue;
    }
    if (body !== undefined) rememberTransport(origin, transport);
    upload?.atHeaders(transport === 'fetch-stream');
    // Awaited, not returned: returning a promise from an async function costs two more microtasks.
    return await receiveResponse(sent, upload, options, emit);
  }
}

function refusedBeforeSending(
  error: unknown,
  transport: string,
  upload: UploadTracker | undefined,
  signal: AbortSignal,
  origin: string,
): boolean {
  return (
    transport === 'fetch-stream' &&
    isNetworkError(error) &&
    !signal.aborted &&
    upload !== undefined &&
    upload.sent() === 0 &&
    !streamsKnownToWork(origin)
  );
}
