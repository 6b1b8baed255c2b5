import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/** A request from either listener: plain HTTP/1.1, or the HTTP/2 compatibility API (which may also carry HTTP/1.1). */
export type NodeRequest = IncomingMessage | Http2ServerRequest;

/** A response on either listener. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/**
 * What both response kinds can do and the exchange relies on, typed once: the union's `write` overloads are not
 * callable as such, and `Http2ServerResponse.flushHeaders` exists at run time but not in `@types/node`.
 */
export interface ResponseWriter {
  write(chunk: Uint8Array, callback: () => void): boolean;
  flushHeaders(): void;
}
