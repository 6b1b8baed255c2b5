import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { EVENTS, Server } from '@tus/server';
import { closeServer, listenLocal } from '../../scripts/server/listen-local.ts';

/** A running `@tus/server` with `@tus/file-store`, on 127.0.0.1. */
export interface TusServer {
  /** The creation endpoint, e.g. `http://127.0.0.1:40123/files/`. */
  readonly endpoint: string;
  /** The directory its uploads are stored in (under the OS's temporary directory). */
  readonly directory: string;
  /** What it answered, one line a request: `METHOD status`, in order. */
  readonly log: string[];
  /** The sha-256 (hex) of the stored bytes of the upload at `url`. */
  sha256(url: string): Promise<string>;
  /** Stops the server, destroys its connections, and deletes its directory; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts `@tus/server` 2.4 (creation, creation-with-upload, creation-defer-length, termination,
 * expiration; no checksum) over `@tus/file-store` 2.1 in a fresh directory under `os.tmpdir()`,
 * served by a plain Node HTTP/1.1 server on 127.0.0.1 (a free port). `maxSize` is its
 * `Tus-Max-Size`. Its completing PATCH answers `Repr-Digest: sha-256=:…:` of the stored file, so a
 * client (a page, too: CORS exposes it) can compare it with what it sent.
 */
export async function startTusServer(options: { maxSize?: number } = {}): Promise<TusServer> {
  const directory = await mkdtemp(join(tmpdir(), 'rx-transfer-tus-'));
  const log: string[] = [];
  const tus = new Server({
    path: '/files',
    datastore: new FileStore({ directory }),
    ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
    exposedHeaders: ['Repr-Digest'],
    async onUploadFinish(_request, upload) {
      const digest = await fileSha256(join(directory, upload.id), 'base64');
      return { headers: { 'repr-digest': `sha-256=:${digest}:` } };
    },
  });
  tus.on(EVENTS.POST_TERMINATE, () => log.push('terminated'));
  const server = createServer((request, response) => {
    response.once('finish', () => log.push(`${request.method} ${response.statusCode}`));
    void tus.handle(request, response);
  });
  const port = await listenLocal(server);
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}/files/`,
    directory,
    log,
    sha256: (url) => fileSha256(join(directory, new URL(url).pathname.split('/').pop() ?? ''), 'hex'),
    close() {
      closing ??= (async () => {
        const closed = closeServer(server);
        server.closeAllConnections();
        await closed;
        await rm(directory, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** The sha-256 of a file, read as a stream. */
export async function fileSha256(path: string, encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}
