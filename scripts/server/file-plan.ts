import { BadRequest } from './bad-request.ts';
import { pacingOf } from './download-plan.ts';
import { flag, intOr, optionalInt } from './query-params.ts';

/** The digest algorithms the server states (RFC 9530's active ones). */
export type DigestAlgorithm = 'sha-256' | 'sha-512';

/** Which validators the file's answers carry. */
export type ValidatorChoice = 'both' | 'etag' | 'last-modified' | 'weak' | 'none';

/**
 * How the file answers a Range it would otherwise honour, wrongly (`etag`: the file changes after the first request
 * of its id, so that `If-Range` fails as it should).
 */
export type RangeFault = 'ignore-range' | 'offset' | 'etag' | 'encoded' | 'multipart' | '416';

/** The parsed query of `GET /file`. */
export interface FilePlan {
  size: number;
  chunk: number;
  rate: number | undefined;
  /** The representation is the gzip of the pattern, with `Content-Encoding: gzip` (as a pre-compressed file). */
  gzip: boolean;
  validator: ValidatorChoice;
  /** Algorithms of the `Repr-Digest` stated (of the whole representation). */
  reprDigest: DigestAlgorithm[];
  /** Algorithms of the `Content-Digest` stated (of the bytes of this answer: the whole, or the part). */
  contentDigest: DigestAlgorithm[];
  /** A byte of the representation served with its lowest bit flipped; digests stay those of the right bytes. */
  corrupt: number | undefined;
  /** Request k of an id is cut once its bytes reach offset `cutAt[k - 1]` of the representation. */
  cutAt: number[];
  /** How long a cut connection stays open, silent, after its last byte (so that a reader has taken them all). */
  lingerMs: number;
  fault: RangeFault | undefined;
}

const VALIDATORS: readonly ValidatorChoice[] = ['both', 'etag', 'last-modified', 'weak', 'none'];
const FAULTS: readonly RangeFault[] = ['ignore-range', 'offset', 'etag', 'encoded', 'multipart', '416'];

/** Reads the query of `GET /file` (see `serveFile`). */
export function filePlan(url: URL, id: string | undefined): FilePlan {
  const cutAt = listOf(url, 'cutAt').map((text) => offsetOf(text));
  if (cutAt.length > 0 && id === undefined) throw new BadRequest('cutAt counts the requests of an id: give one');
  return {
    size: intOr(url, 'size', 0),
    ...pacingOf(url),
    gzip: flag(url, 'gzip'),
    validator: oneOf(url, 'validator', VALIDATORS) ?? 'both',
    reprDigest: algorithms(url, 'digest'),
    contentDigest: algorithms(url, 'contentDigest'),
    corrupt: optionalInt(url, 'corrupt'),
    cutAt,
    lingerMs: intOr(url, 'lingerMs', 0),
    fault: oneOf(url, 'fault', FAULTS),
  };
}

function listOf(url: URL, name: string): string[] {
  const text = url.searchParams.get(name) ?? '';
  return text === '' ? [] : text.split(',');
}

function offsetOf(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new BadRequest('cutAt must list non-negative integers');
  return value;
}

function algorithms(url: URL, name: string): DigestAlgorithm[] {
  const listed = listOf(url, name);
  const unknown = listed.find((algorithm) => algorithm !== 'sha-256' && algorithm !== 'sha-512');
  if (unknown !== undefined) throw new BadRequest(`${name} lists sha-256 and sha-512 only, not ${unknown}`);
  return listed as DigestAlgorithm[];
}

function oneOf<T extends string>(url: URL, name: string, allowed: readonly T[]): T | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  if (!allowed.includes(value as T)) throw new BadRequest(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}
