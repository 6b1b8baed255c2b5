import type { UploadProgressEvent } from '../../core/events.js';
import { ResumableUploadError } from '../resumable-upload-error.js';
import type { ProtocolResponse, SendRequest } from '../send-request.js';
import type { UploadLimit } from '../upload-limit.js';

/** What the server says of an upload: how much it holds, and its limits. */
export interface UploadOffset {
  readonly offset: number;
  readonly limit: UploadLimit;
}

/** An upload just created. */
export interface CreatedUpload extends UploadOffset {
  readonly url: string;
}

/** The requests of one resumable-upload protocol, each sent with `send`. */
export interface UploadProtocol {
  readonly name: 'tus' | 'ietf';
  /** Creates an upload of `size` bytes (`undefined`: not known yet) at `endpoint`, with `metadata` (tus only). */
  create(
    send: SendRequest,
    endpoint: string,
    size: number | undefined,
    metadata: Record<string, string>,
  ): Promise<CreatedUpload>;
  /** Reads what the server holds of the upload at `url`. */
  offset(send: SendRequest, url: string): Promise<UploadOffset>;
  /**
   * Appends `chunk` at `offset`; `last` ends the upload; `deferredLength`: the creation did not
   * state the length (a stream), so the last append states it. Resolves with the server's new
   * offset and the answer.
   */
  append(
    send: SendRequest,
    url: string,
    offset: number,
    chunk: Blob | Uint8Array,
    last: boolean,
    deferredLength: boolean,
    onSent: (event: UploadProgressEvent) => void,
  ): Promise<{ offset: number; response: ProtocolResponse }>;
  /** Deletes the upload at `url` on the server. */
  terminate(send: SendRequest, url: string): Promise<void>;
}

/** The byte count of `value`, a header's integer, or `undefined`. */
export function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim() ?? '';
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The offset an answer states, or a {@link ResumableUploadError}. */
export function offsetOf(response: ProtocolResponse, method: string): number {
  const offset = integerHeader(response.headers, 'upload-offset');
  if (offset === undefined)
    throw new ResumableUploadError(`the answer to ${method} has no Upload-Offset`, method, response.url);
  return offset;
}

/** `location` resolved against the URL of the answer that carried it. */
export function locationOf(response: ProtocolResponse, what: string): string {
  const location = response.headers.get('location');
  if (location === null)
    throw new ResumableUploadError(`the answer to the ${what} has no Location`, 'POST', response.url);
  return new URL(location, response.url).href;
}
