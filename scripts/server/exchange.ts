import { once } from 'node:events';
import { constants, Http2ServerResponse } from 'node:http2';
import { BadRequest } from './bad-request.ts';
import { whenAborted } from './delay.ts';
import type { NodeRequest, NodeResponse, ResponseWriter } from './node-types.ts';
import type { RecordStore } from './record-store.ts';
import { trackRecord } from './track-record.ts';
import { newRecord, type Protocol, type TransferRecord } from './transfer-record.ts';

/** Response headers as routes give them. */
export type HeaderMap = Record<string, string | number>;

/**
 * One request and its response, on either protocol: writes with backpressure, counts what was sent, can cut the
 * connection, and keeps the request's {@link TransferRecord} up to date (stored only when the request has a test id).
 */
export class Exchange {
  readonly req: NodeRequest;
  readonly res: NodeResponse;
  readonly url: URL;
  readonly protocol: Protocol;
  /** The test id, from query `id` or header `x-test-id`. */
  readonly id: string | undefined;
  readonly record: TransferRecord;
  /** `performance.now()` when the request arrived. */
  readonly started = performance.now();
  #closed = new AbortController();
  #lastWrite: Promise<unknown> = Promise.resolve();
  #changed: () => void;

  constructor(req: NodeRequest, res: NodeResponse, url: URL, store: RecordStore | undefined) {
    this.req = req;
    this.res = res;
    this.url = url;
    this.protocol = req.httpVersionMajor === 2 ? '2' : '1.1';
    this.id = testIdOf(req, url);
    this.record = newRecord(this.id ?? '', url.pathname, req.method ?? 'GET', this.protocol);
    const { id } = this;
    this.#changed = store && id !== undefined ? () => store.changed(id) : () => undefined;
    if (store && id !== undefined) store.open(this.record);
    trackRecord(req, res, this.record, this.started, () => this.#changed());
    res.once('close', () => this.#closed.abort());
  }

  /** Aborts when the response closes for any reason: finished, client gone, or cut by the server. */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /** Sets the status and headers without sending them yet. */
  head(status: number, headers: HeaderMap): void {
    this.res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
  }

  /** Sends the status and headers now, before any body. */
  flushHeaders(): void {
    this.#writer.flushHeaders();
  }

  /** Writes `chunk`; resolves when more may be written (at once, or on 'drain', or when the exchange closes). */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed.aborted) return;
    this.#count(chunk.byteLength);
    let ok = true;
    this.#lastWrite = new Promise((resolve) => {
      ok = this.#writer.write(chunk, () => resolve(undefined));
    });
    if (!ok) await once(this.res, 'drain', { signal: this.closed }).catch(() => undefined);
  }

  /** Resolves when the last write has been handed to the connection, or the exchange closed. */
  flushed(): Promise<void> {
    return Promise.race([this.#lastWrite.then(() => undefined), whenAborted(this.closed)]);
  }

  /** Ends the response, with an optional last piece of body. */
  end(body?: string | Uint8Array): void {
    if (body !== undefined) this.#count(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    if (body === undefined) this.res.end();
    else this.res.end(body);
  }

  /** Sends a whole response. */
  respond(status: number, headers: HeaderMap, body?: string | Uint8Array): void {
    this.head(status, headers);
    this.end(body);
  }

  /** Sends `value` as a JSON response. */
  json(status: number, value: unknown): void {
    this.respond(status, { 'content-type': 'application/json' }, JSON.stringify(value));
  }

  /**
   * Writes `bytes` straight to an HTTP/1.1 connection, beneath the response object (which then sends nothing of its
   * own): for answers no well-behaved server gives, such as a header block dripped a byte at a time. An HTTP/2
   * response begins with one HEADERS frame that the stream API sends whole, so there it throws a {@link BadRequest}.
   */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    if (this.protocol === '2') throw new BadRequest(`${this.url.pathname} answers over HTTP/1.1 only`);
    if (this.closed.aborted) return;
    this.#count(bytes.byteLength);
    const socket = this.req.socket;
    if (!socket.write(bytes)) await once(socket, 'drain', { signal: this.closed }).catch(() => undefined);
  }

  /** Ends a raw answer ({@link writeRaw}): the record counts the response complete, and the connection closes. */
  endRaw(): void {
    if (this.closed.aborted) return;
    this.record.responseComplete = true;
    this.#changed();
    this.req.socket.end();
  }

  /** Cuts the exchange on purpose: HTTP/1.1 destroys the socket, HTTP/2 resets the stream (INTERNAL_ERROR). */
  reset(): void {
    this.record.serverAborted = true;
    this.#changed();
    if (this.res instanceof Http2ServerResponse) this.res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    else this.req.socket.destroy();
  }

  /**
   * Cuts the exchange on purpose after what was written has gone out: HTTP/1.1 closes the socket with a FIN, so the
   * client reads every byte sent before it finds the body cut (a destroyed socket may send a reset, on which the
   * client's kernel drops what it had not yet read); HTTP/2 resets the stream, after its data frames.
   */
  endCut(): void {
    if (this.res instanceof Http2ServerResponse) {
      this.reset();
      return;
    }
    this.record.serverAborted = true;
    this.#changed();
    this.req.socket.end();
  }

  get #writer(): ResponseWriter {
    return this.res as unknown as ResponseWriter;
  }

  #count(bytes: number): void {
    this.record.bytesSent += bytes;
    this.#changed();
  }
}

function testIdOf(req: NodeRequest, url: URL): string | undefined {
  const header = req.headers['x-test-id'];
  return url.searchParams.get('id') ?? (Array.isArray(header) ? header[0] : header);
}
