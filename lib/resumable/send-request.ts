import type { UploadProgressEvent } from '../core/events.js';
import { exchangeEvents } from '../core/transfer.js';
import type { TimeoutLimits } from '../policies/deadlines.js';

/** One request of an upload protocol. */
export interface ProtocolRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: Blob | Uint8Array | undefined;
}

/** What a protocol request's answer tells (its body is not read). */
export interface ProtocolResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The final URL, after redirects. */
  readonly url: string;
}

/** Sends protocol requests for one upload; `onSent` hears each upload progress event of the request's body. */
export type SendRequest = (
  request: ProtocolRequest,
  onSent?: (event: UploadProgressEvent) => void,
) => Promise<ProtocolResponse>;

/** What every request of one upload shares. */
export interface RequestContext {
  readonly signal: AbortSignal;
  readonly timeout: TimeoutLimits | false | undefined;
  /** Headers of the caller's, sent with every request. */
  readonly headers: Record<string, string> | undefined;
}

/**
 * A sender that runs each request as one exchange of rx-transfer (its transports, upload progress,
 * phase limits and cancellation), without retries of its own: the upload's loop decides those,
 * re-reading the offset first. A non-2xx answer fails with `HTTPError`, as any exchange does.
 */
export function requestSender(context: RequestContext): SendRequest {
  return (request, onSent) =>
    new Promise((resolve, reject) => {
      let url = request.url;
      let statusText = '';
      exchangeEvents({
        url: request.url,
        method: request.method,
        headers: { ...context.headers, ...request.headers },
        body: request.body,
        responseType: 'none',
        retry: false,
        timeout: context.timeout,
        signal: context.signal,
        // An offset must come from the server, never from a cache.
        cache: request.method === 'HEAD' ? 'no-store' : undefined,
        // A digest here is of the uploaded representation (tus hooks, the IETF draft), not of this answer's body.
        digest: 'off',
      }).subscribe({
        next(event) {
          if (event.type === 'upload-progress') onSent?.(event);
          else if (event.type === 'headers') {
            url = event.url || request.url;
            statusText = event.statusText;
          } else if (event.type === 'complete')
            resolve({ status: event.status, statusText, headers: event.headers, url });
        },
        error: reject,
      });
    });
}
