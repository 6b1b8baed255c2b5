import type { PreparedBody } from './request-body.js';
import { supportsRequestStreams } from './supports-request-streams.js';

/**
 * The path that carried an attempt, each with its capability:
 * - `'fetch-stream'`: fetch with the body as a counted `ReadableStream`: upload progress as
 *   the network pulls each chunk. Chromium allows it over HTTP/2 and HTTP/3 only.
 * - `'xhr'`: `XMLHttpRequest`, where request streams are refused: upload progress as the
 *   browser reports it (it runs ahead of the server by what the socket buffers hold); the
 *   response body arrives whole.
 * - `'fetch'`: fetch with the body whole, where neither exists (and every request without a
 *   body): one upload event once the response has begun.
 */
export type TransportName = 'fetch-stream' | 'xhr' | 'fetch';

/** A fetch-compatible function: ky hands it the `Request` it built; the direct path, the URL and a `RequestInit`. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What each origin's last successful upload used, so the next one skips a failed attempt. */
const remembered = new Map<string, TransportName>();

/** Picks the transport for a body to `origin` on this platform. */
export function selectTransport(body: PreparedBody | undefined, origin: string): TransportName {
  if (body === undefined) return 'fetch';
  return remembered.get(origin) ?? (supportsRequestStreams() ? 'fetch-stream' : fallbackTransport());
}

/** The transport for a body that cannot be streamed: XHR where it exists. */
export function fallbackTransport(): TransportName {
  return typeof XMLHttpRequest === 'function' ? 'xhr' : 'fetch';
}

/** Records that `transport` carried an upload to `origin`. */
export function rememberTransport(origin: string, transport: TransportName): void {
  remembered.set(origin, transport);
}

/** Whether `origin` has been seen to accept streamed request bodies. */
export function streamsKnownToWork(origin: string): boolean {
  return remembered.get(origin) === 'fetch-stream';
}

/** Forgets every origin; for tests. */
export function forgetTransports(): void {
  remembered.clear();
}
