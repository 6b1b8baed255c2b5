/**
 * What a download needs to go on where it stopped, in another attempt or another page: the URL it
 * came from (after redirects), the validator of the representation, the bytes already held and the
 * whole length. Plain data: store it as JSON and hand it back as the `resume` option.
 */
export interface ResumeState {
  readonly url: string;
  /** A strong ETag; when absent, `lastModified` is the validator. */
  readonly etag?: string | undefined;
  readonly lastModified?: string | undefined;
  /** Bytes already held: the next request asks for the rest from here. */
  readonly offset: number;
  /** The whole representation's length. */
  readonly total: number;
}

/** A resume state without its offset: what the first full response of a download tells. */
export type ResumePoint = Omit<ResumeState, 'offset'>;

const identity = (encoding: string | null) => encoding === null || encoding.trim().toLowerCase() === 'identity';

/**
 * Where `response` (a whole 200 to a GET without a Range of the caller's) can be resumed from, or
 * `undefined`: it needs `Accept-Ranges: bytes`, a length, no Content-Encoding, and a strong
 * validator: a strong ETag, or a Last-Modified at least a second older than its Date (RFC 9110
 * 8.8.2.2: anything newer may change again within the same second).
 */
export function resumePointOf(response: Response): ResumePoint | undefined {
  const { headers } = response;
  const total = Number(headers.get('content-length') ?? Number.NaN);
  if (response.status !== 200 || !/\bbytes\b/i.test(headers.get('accept-ranges') ?? '')) return undefined;
  if (!Number.isSafeInteger(total) || !identity(headers.get('content-encoding'))) return undefined;
  const etag = headers.get('etag') ?? undefined;
  if (etag !== undefined && !etag.startsWith('W/')) return { url: response.url, etag, total };
  const lastModified = headers.get('last-modified') ?? '';
  const date = Date.parse(headers.get('date') ?? '');
  return Date.parse(lastModified) <= date - 1000 ? { url: response.url, lastModified, total } : undefined;
}

/** The validator a resumed request sends as `If-Range`. */
export const validatorOf = (point: ResumePoint): string => (point.etag ?? point.lastModified) as string;

/**
 * Why a 206 answer to `Range: bytes=<offset>-` cannot be appended at `offset`, or `undefined` when
 * it can: its Content-Range must start exactly there and state the same complete length, it must
 * carry no Content-Encoding (a browser may still ask for gzip on a Range request, whatwg/fetch#1850)
 * and be no multipart/byteranges, and its validator must be the one the download began with.
 */
export function partialRefusal(response: Response, point: ResumePoint, offset: number): string | undefined {
  const { headers } = response;
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers.get('content-range')?.trim() ?? '');
  if (/^multipart\/byteranges/i.test(headers.get('content-type') ?? '')) return 'the 206 is multipart/byteranges';
  if (range === null) return `the 206's Content-Range (${headers.get('content-range')}) is not a single byte range`;
  if (Number(range[1]) !== offset) return `the 206 starts at byte ${range[1]}, not at ${offset}`;
  if (Number(range[3]) !== point.total) return `the 206's complete length is ${range[3]}, not ${point.total}`;
  if (!identity(headers.get('content-encoding'))) return `the 206 is encoded (${headers.get('content-encoding')})`;
  const validator = point.etag === undefined ? headers.get('last-modified') : headers.get('etag');
  if (validator !== validatorOf(point)) return `the 206's validator (${validator}) is not ${validatorOf(point)}`;
  return undefined;
}

/** The complete length a 416 states (`Content-Range: bytes *\/<length>`), if any. */
export function unsatisfiedLength(response: Response): number | undefined {
  const stated = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range')?.trim() ?? '');
  return stated === null ? undefined : Number(stated[1]);
}
