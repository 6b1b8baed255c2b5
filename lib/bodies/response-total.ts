import type { TotalSource } from '../core/events.js';

/** A download total and where it came from, or both `undefined`. */
export interface ResponseTotal {
  readonly total: number | undefined;
  readonly source: TotalSource | undefined;
}

const unknownTotal: ResponseTotal = { total: undefined, source: undefined };

/**
 * The decoded body size when it can be trusted: the caller's size-hint header, else
 * Content-Length when there is no Content-Encoding. Browsers decode below the Streams layer,
 * so under gzip Content-Length counts compressed bytes while the reader sees decoded ones.
 */
export function responseTotal(headers: Headers, sizeHintHeader: string | undefined): ResponseTotal {
  const hinted = sizeHintHeader === undefined ? undefined : parseLength(headers.get(sizeHintHeader));
  if (hinted !== undefined) return { total: hinted, source: 'size-hint' };
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return unknownTotal;
  const length = parseLength(headers.get('content-length'));
  return length === undefined ? unknownTotal : { total: length, source: 'content-length' };
}

function parseLength(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : undefined;
}
