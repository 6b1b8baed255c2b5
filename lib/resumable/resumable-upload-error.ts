import { TransferError } from '../errors/transfer-errors.js';

/**
 * A resumable upload that cannot go on: the server refused its size (`Upload-Limit`, `Tus-Max-Size`),
 * answered the protocol wrongly (no Location, no Upload-Offset), or asked a stream body for bytes it
 * no longer holds. The message says which.
 */
export class ResumableUploadError extends TransferError {
  override readonly name = 'ResumableUploadError';
}
