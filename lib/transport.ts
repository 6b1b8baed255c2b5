import type { PreparedBody } from './request-body.js';
import { supportsRequestStreams } from './supports-request-streams.js';

/**
 * The path that carried an attempt:
 * - `'fetch-stream'`: fetch with the body as a counted `ReadableStream`; real upload progress.
 * - `'fetch'`: fetch with the body whole; the platform cannot stream request bodies, so upload
 *   progress is one `granularity: 'whole'` event once the response has begun. Also the path of
 *   requests without a body.
 */
export type TransportName = 'fetch-stream' | 'fetch';

/** A fetch-compatible function: ky builds the `Request` and hands it to the transport. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One way of carrying a request, and the capability it has. */
export interface Transport {
  readonly name: TransportName;
  /** Whether the body goes out as a counted stream (chunk-level upload progress) or whole. */
  readonly streamsBody: boolean;
  readonly fetch: FetchFunction;
}

const callFetch: FetchFunction = (input, init) => globalThis.fetch(input, init);

const fetchStream: Transport = { name: 'fetch-stream', streamsBody: true, fetch: callFetch };
const fetchWhole: Transport = { name: 'fetch', streamsBody: false, fetch: callFetch };

/** Picks the transport for a body on this platform. */
export function selectTransport(body: PreparedBody | undefined): Transport {
  return body !== undefined && supportsRequestStreams() ? fetchStream : fetchWhole;
}
