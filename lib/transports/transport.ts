import type { PreparedBody } from '../bodies/request-body.js';
import { forgetProtocols, originProtocol } from './origin-protocol.js';
import { supportsRequestStreams } from './supports-request-streams.js';

/**
 * The path that carries an attempt, each with its capability:
 * - `'fetch-stream'`: fetch with the body as a counted `ReadableStream`: upload progress as
 *   the network pulls each chunk. Browsers allow it over HTTP/2 and HTTP/3 only (Chromium; not
 *   Firefox or Safari yet); the body has no Content-Length there (Node sends one for a body of
 *   known size).
 * - `'xhr'`: `XMLHttpRequest`: upload progress as the browser reports it (it runs ahead of the
 *   server by what the socket buffers hold); the response body arrives whole; Content-Length sent.
 * - `'fetch'`: fetch with the body whole: one upload event once the response has begun;
 *   Content-Length sent. Every request without a body, and every body of one chunk or less.
 */
export type TransportName = 'fetch-stream' | 'xhr' | 'fetch';

/** A fetch-compatible function: ky hands it the `Request` it built; the direct path, the URL and a `RequestInit`. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Whether this runtime is a browser (a page or any worker), where streamed request bodies need
 * HTTP/2. Node, Deno and Bun stream over HTTP/1.1 as well.
 */
export const inBrowser =
  typeof XMLHttpRequest === 'function' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function';

/**
 * Picks the transport for `body` to `url`: the caller's `transport` if given; a body of one chunk or
 * less goes whole (streaming gains nothing); outside browsers the body streams; in a browser it
 * streams only to an origin the platform has shown to speak HTTP/2 (see {@link originProtocol}),
 * and goes by XHR otherwise, so that nothing is sent to be refused, and nothing sent twice.
 */
export function selectTransport(
  body: PreparedBody | undefined,
  url: URL,
  chosen: TransportName | undefined,
  chunkSize: number,
): TransportName {
  if (body === undefined) return 'fetch';
  if (chosen !== undefined) return chosen;
  if (body.whole === undefined) return 'fetch-stream';
  if ((body.total as number) <= chunkSize) return 'fetch';
  if (!supportsRequestStreams()) return sizedTransport();
  return !inBrowser || originProtocol(url) === 'h2' ? 'fetch-stream' : sizedTransport();
}

/** Why a body can only stream and this platform or origin refuses streamed bodies, or `undefined`. */
export function streamRefusal(url: URL): string | undefined {
  if (!supportsRequestStreams()) return 'this platform has no streamed request bodies (Firefox and Safari not yet)';
  if (inBrowser && originProtocol(url) === 'h1')
    return `${url.origin} speaks HTTP/1.1, and browsers stream only over HTTP/2`;
  return undefined;
}

/** The transport that sends a whole body with its Content-Length: XHR where it exists (it reports progress). */
export function sizedTransport(): TransportName {
  return typeof XMLHttpRequest === 'function' ? 'xhr' : 'fetch';
}

/** Forgets every origin's protocol; for tests. */
export function forgetTransports(): void {
  forgetProtocols();
}
