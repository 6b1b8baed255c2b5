import { createServer, type ServerOptions } from 'node:http';
import { createSecureServer, type SecureServerOptions } from 'node:http2';
import { ConnectionSet } from './connection-set.ts';
import { createCertificate } from './create-certificate.ts';
import { createRequestHandler } from './create-request-handler.ts';
import type { Exchange } from './exchange.ts';
import { closeServer, listenLocal } from './listen-local.ts';
import { RecordStore } from './record-store.ts';
import { ResumableUploads } from './resumable-uploads.ts';

export type { RecordPredicate } from './record-store.ts';
export type { Arrival, Protocol, TransferRecord } from './transfer-record.ts';
export { RecordStore };

/** How long a server lives when nobody closes it. */
export const DEFAULT_LIFETIME_MS = 15 * 60_000;

/** Longest delay `setTimeout` honours (longer ones fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of {@link startTransferServer}. */
export interface TransferServerOptions {
  /** The server closes itself after this many ms (default 15 minutes); the timer does not keep the process alive. */
  lifetimeMs?: number;
}

/** A running transfer server: the same routes over plain HTTP/1.1 and over TLS with HTTP/2 (or HTTP/1.1 by ALPN). */
export interface TransferServer {
  /** Plain HTTP/1.1 origin, e.g. `http://127.0.0.1:40123`. */
  http1: string;
  /** TLS origin offering h2 and http/1.1 by ALPN, e.g. `https://127.0.0.1:40124`. */
  http2: string;
  /** The run-time self-signed certificate of `http2`, for clients that have to trust it. */
  certificate: { cert: string; fingerprint256: string; spki: string };
  /** What the server saw, by test id. */
  records: RecordStore;
  /** The uploads of its IETF resumable-upload routes (`/resumable/`), stored under the OS's temporary directory. */
  uploads: ResumableUploads;
  /** Closes both listeners and destroys every open connection and stream; safe to call more than once. */
  close(): Promise<void>;
}

/** Starts the transfer server on 127.0.0.1 (two free ports). */
export async function startTransferServer(options: TransferServerOptions = {}): Promise<TransferServer> {
  const { key, cert, fingerprint256, spki } = await createCertificate();
  const records = new RecordStore();
  const live = new Set<Exchange>();
  const uploads = new ResumableUploads();
  const handler = createRequestHandler(records, live, uploads);
  const plain = createServer({ requestTimeout: 0 }, handler);
  // Node 24 reads the HTTP/1.1 fallback's options from the same bag (not yet in @types/node): no 300 s request cap.
  const secureOptions: SecureServerOptions & ServerOptions = { key, cert, allowHTTP1: true, requestTimeout: 0 };
  const secure = createSecureServer(secureOptions, handler);
  const connections = new ConnectionSet();
  connections.watch(plain);
  connections.watch(secure);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutdown();
    return closing;
  };
  const shutdown = async () => {
    clearTimeout(timer);
    const closed = Promise.all([closeServer(plain), closeServer(secure)]);
    for (const ex of live) ex.reset();
    connections.destroyAll();
    await closed;
    await uploads.clear();
  };
  const timer = setTimeout(close, Math.min(options.lifetimeMs ?? DEFAULT_LIFETIME_MS, MAX_TIMER_MS)).unref();
  const [port1, port2] = await Promise.all([listenLocal(plain), listenLocal(secure)]).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return {
    http1: `http://127.0.0.1:${port1}`,
    http2: `https://127.0.0.1:${port2}`,
    certificate: { cert, fingerprint256, spki },
    records,
    uploads,
    close,
  };
}
