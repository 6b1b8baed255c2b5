import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionalInt, optionalPositive } from './query-params.ts';

/** The faults an upload is created with (query parameters of its creation), each played once. */
export interface UploadFaults {
  /** When the upload reaches this offset, the server loses the bytes past `rewindTo` without saying so. */
  rewindAt: number | undefined;
  rewindTo: number | undefined;
  /** The append that reaches this offset stops being read there, and is never answered. */
  stallAt: number | undefined;
  /** The appends that reach these offsets have their connection dropped there. */
  dropAt: number[];
}

/** One upload resource of the IETF resumable-upload server. */
export interface ResumableUpload {
  readonly id: string;
  readonly path: string;
  offset: number;
  /** The length, once the client has stated it (Upload-Length, or Upload-Complete: ?1). */
  length: number | undefined;
  complete: boolean;
  /** `Upload-Limit`'s max-size, min-append-size and max-append-size. */
  readonly limit: { maxSize: number | undefined; minAppend: number | undefined; maxAppend: number | undefined };
  readonly faults: UploadFaults;
  /** What the server did with each request of this upload, in order: `METHOD offset status`. */
  readonly log: string[];
  /** The append being written, if any: a new request to the upload ends it first (its connection is likely gone). */
  current: { cut(): void; done: Promise<void> } | undefined;
}

/**
 * The uploads of the IETF server, each a file in a directory under `os.tmpdir()` (made on the first
 * upload, removed by {@link clear} or when the process exits).
 */
export class ResumableUploads {
  #directory: string | undefined;
  #uploads = new Map<string, ResumableUpload>();
  #removeOnExit = () => this.#directory && rmSync(this.#directory, { recursive: true, force: true });

  /** Creates an empty upload with the limits and faults of the creation URL's query. */
  async create(url: URL): Promise<ResumableUpload> {
    if (this.#directory === undefined) {
      this.#directory = mkdtempSync(join(tmpdir(), 'rx-transfer-ietf-'));
      process.once('exit', this.#removeOnExit);
    }
    const id = crypto.randomUUID();
    const path = join(this.#directory, id);
    await writeFile(path, new Uint8Array(0));
    const limit = {
      maxSize: optionalPositive(url, 'maxSize'),
      minAppend: optionalPositive(url, 'minAppend'),
      maxAppend: optionalPositive(url, 'maxAppend'),
    };
    const faults: UploadFaults = {
      rewindAt: optionalInt(url, 'rewindAt'),
      rewindTo: optionalInt(url, 'rewindTo'),
      stallAt: optionalInt(url, 'stallAt'),
      dropAt: (url.searchParams.get('dropAt') ?? '').split(',').filter(Boolean).map(Number),
    };
    const upload: ResumableUpload = {
      id,
      path,
      offset: 0,
      length: undefined,
      complete: false,
      limit,
      faults,
      log: [],
      current: undefined,
    };
    this.#uploads.set(id, upload);
    return upload;
  }

  get(id: string): ResumableUpload | undefined {
    return this.#uploads.get(id);
  }

  async delete(upload: ResumableUpload): Promise<void> {
    this.#uploads.delete(upload.id);
    await rm(upload.path, { force: true });
  }

  /** Opens the upload's file to write appended bytes at its offset, moving the offset past each. */
  async writer(upload: ResumableUpload): Promise<{ write(chunk: Uint8Array): Promise<void>; close(): Promise<void> }> {
    const file = await open(upload.path, 'r+');
    return {
      async write(chunk) {
        await file.write(chunk, 0, chunk.byteLength, upload.offset);
        upload.offset += chunk.byteLength;
      },
      close: () => file.close(),
    };
  }

  /** Plays the rewind fault if the upload has reached it: the bytes past `rewindTo` are lost. */
  async rewindIfDue(upload: ResumableUpload): Promise<void> {
    const { rewindAt, rewindTo = 0 } = upload.faults;
    if (rewindAt === undefined || upload.offset < rewindAt) return;
    upload.faults.rewindAt = undefined;
    await truncate(upload.path, rewindTo);
    upload.offset = Math.min(upload.offset, rewindTo);
  }

  /** The sha-256 of the upload's stored bytes, base64. */
  async sha256(upload: ResumableUpload): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(upload.path)) hash.update(chunk as Buffer);
    return hash.digest('base64');
  }

  /** Forgets every upload and removes their directory. */
  async clear(): Promise<void> {
    this.#uploads.clear();
    process.off('exit', this.#removeOnExit);
    if (this.#directory !== undefined) await rm(this.#directory, { recursive: true, force: true });
    this.#directory = undefined;
  }
}
