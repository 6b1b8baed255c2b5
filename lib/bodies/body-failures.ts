import type { SentAttempt } from '../core/attempt.js';
import type { TotalSource } from '../core/events.js';
import { NetworkError } from '../errors/network-error.js';
import { OverlongBodyError, TruncatedBodyError } from '../errors/transfer-errors.js';
import type { BodyReadError } from './read-chunks.js';

/**
 * The error for a body read that failed: a {@link TruncatedBodyError} when the response stated a
 * `total` not yet reached, else a {@link NetworkError}.
 */
export function readFailure(error: BodyReadError, total: number | undefined, sent: SentAttempt): Error {
  if (total !== undefined && error.loaded < total) {
    return new TruncatedBodyError(sent.method, sent.url, total, error.loaded, error.cause);
  }
  return new NetworkError(sent.request(), { cause: error.cause as Error });
}

/** The error for a body longer than the total its response stated (Content-Length, or the size hint). */
export function overrun(
  { method, url }: SentAttempt,
  total: number,
  loaded: number,
  source: TotalSource | undefined,
  sizeHintHeader: string | undefined,
): OverlongBodyError {
  const stated = source === 'size-hint' ? `size hint \`${sizeHintHeader}\`` : 'Content-Length';
  return new OverlongBodyError(method, url, total, loaded, stated);
}
