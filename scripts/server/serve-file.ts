import { gzipSync } from 'node:zlib';
import { type RangeAnswer, rangeAnswer, type Validators } from './byte-range.ts';
import { delay } from './delay.ts';
import type { Exchange, HeaderMap } from './exchange.ts';
import { corrupted, type FileBytes, fileBytes } from './file-bytes.ts';
import { digestField } from './file-digest.ts';
import { type FilePlan, filePlan } from './file-plan.ts';
import { type ByteSource, finish, sendBytes } from './serve-download.ts';

const BOUNDARY = 'rx-transfer-part';

/** One answer as sent: a status, and for 200 and 206 the representation's bytes `[start, end)` and how they go. */
type Answer =
  | { status: 416 }
  | { status: 200 | 206; start: number; end: number; shape: 'plain' | 'gzip' | 'multipart' };

/**
 * `GET /file?size=&chunk=&rate=&gzip=1&validator=&digest=&contentDigest=&corrupt=&cutAt=&fault=&id=`: `size` bytes
 * (byte i is `i % 251`; with `gzip=1` their gzip, sent with `Content-Encoding: gzip` as a pre-compressed file whose
 * bytes ranges count), served as a static file server does: `Accept-Ranges: bytes`, validators (`validator=both`
 * (default): a strong ETag and a Last-Modified a day older than Date; `etag`, `last-modified`, `weak` (a weak ETag),
 * `none`), a single byte range honoured under `If-Range`, a 416 past the end.
 * - `digest=sha-256,sha-512`: `Repr-Digest` of the whole representation (on 200 and 206); `contentDigest=` likewise
 *   `Content-Digest` of the bytes of the answer (the part, on a 206).
 * - `corrupt=<offset>`: that byte is served with its lowest bit flipped; every digest stays that of the right bytes.
 * - `cutAt=<o1>,<o2>,…` (needs `id`): the k-th request of the id is cut (connection destroyed, HTTP/2 stream reset)
 *   once it has sent the representation up to offset `ok`, right after its headers if it starts there or later;
 *   `lingerMs` after its last byte (default 0: a browser drops what its reader has not taken when the cut comes).
 * - `fault=`: a Range the server would honour is answered wrongly: `ignore-range` (the whole file, 200), `offset` (a
 *   206 from 1000 bytes before the byte asked), `encoded` (the 206 gzipped), `multipart` (a multipart/byteranges 206
 *   of that one range), `416` (416 `bytes *\/<length>`); `etag` changes the file's validators after the first
 *   request of the id (then `If-Range` fails: a 200, as it should).
 */
export async function serveFile(ex: Exchange): Promise<void> {
  const plan = filePlan(ex.url, ex.id);
  const file = await fileBytes(plan.size, plan.gzip);
  const validators = validatorsOf(plan, ex.record.requests);
  const range = headerOf(ex, 'range');
  const ifRange = headerOf(ex, 'if-range');
  const answer = faulty(plan, rangeAnswer(range, ifRange, file.length, validators), file.length);
  ex.record.ranged = { range: range ?? null, ifRange: ifRange ?? null, status: answer.status };
  const headers: HeaderMap = { 'accept-ranges': 'bytes' };
  if (validators.etag !== undefined) headers.etag = validators.etag;
  if (validators.lastModified !== undefined) headers['last-modified'] = validators.lastModified;
  if (answer.status === 416) {
    ex.respond(416, { ...headers, 'content-range': `bytes */${file.length}`, 'content-length': 0 });
    return;
  }
  const source = plan.corrupt === undefined ? file.at : corrupted(file.at, plan.corrupt);
  const body = bodyOf(answer, source, file.length);
  Object.assign(headers, body.headers, digestHeaders(plan, file, answer));
  if (plan.gzip) headers['content-encoding'] = 'gzip';
  const cut = plan.cutAt[ex.record.requests - 1];
  const limit = cut === undefined ? body.length : Math.min(body.length, Math.max(0, cut - answer.start));
  ex.head(answer.status, { ...headers, 'content-length': body.length });
  if (limit === 0) ex.flushHeaders();
  await sendBytes(ex, body.at, limit, plan);
  if (limit < body.length && plan.lingerMs > 0) await delay(plan.lingerMs, ex.closed);
  await finish(ex, limit < body.length ? { kind: 'cut', at: limit } : { kind: 'end' });
}

const headerOf = (ex: Exchange, name: string): string | undefined => {
  const value = ex.req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The Last-Modified of the file, by generation: long before any Date the server sends. */
const MODIFIED = { 1: 'Thu, 01 Jan 2026 00:00:00 GMT', 2: 'Fri, 02 Jan 2026 00:00:00 GMT' } as const;

/** The validators of the file for the k-th request of its id (`fault=etag`: another file from the second on). */
function validatorsOf({ size, gzip, validator, fault }: FilePlan, request: number): Validators {
  const generation = fault === 'etag' && request > 1 ? 2 : 1;
  const tag = `"f${size}${gzip ? 'g' : ''}-${generation}"`;
  const validators: Validators = {};
  if (validator === 'both' || validator === 'etag') validators.etag = tag;
  if (validator === 'weak') validators.etag = `W/${tag}`;
  if (validator === 'both' || validator === 'last-modified') validators.lastModified = MODIFIED[generation];
  return validators;
}

/** The answer as `plan.fault` spoils it (only an honoured Range: a 206). */
function faulty({ fault }: FilePlan, answer: RangeAnswer, length: number): Answer {
  if (answer.status === 416) return answer;
  if (answer.status === 200 || fault === undefined || fault === 'etag') return { ...answer, shape: 'plain' };
  if (fault === '416') return { status: 416 };
  if (fault === 'ignore-range') return { status: 200, start: 0, end: length, shape: 'plain' };
  if (fault === 'offset') return { ...answer, start: Math.max(0, answer.start - 1000), shape: 'plain' };
  return { ...answer, shape: fault === 'encoded' ? 'gzip' : 'multipart' };
}

/** The body of `answer` as it goes on the wire, its length, and the headers that describe it. */
function bodyOf(
  answer: Extract<Answer, { start: number }>,
  source: ByteSource,
  length: number,
): { at: ByteSource; length: number; headers: HeaderMap } {
  const { start, end, shape } = answer;
  const range = `bytes ${start}-${end - 1}/${length}`;
  const partial: HeaderMap = answer.status === 206 ? { 'content-range': range } : {};
  if (shape === 'plain') {
    const at: ByteSource = (offset, size) => source(start + offset, size);
    return { at, length: end - start, headers: { 'content-type': 'application/octet-stream', ...partial } };
  }
  const part = source(start, end - start);
  const bytes =
    shape === 'gzip'
      ? gzipSync(part)
      : Buffer.concat([
          Buffer.from(`--${BOUNDARY}\r\ncontent-type: application/octet-stream\r\ncontent-range: ${range}\r\n\r\n`),
          part,
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]);
  const headers: HeaderMap =
    shape === 'gzip'
      ? { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', ...partial }
      : { 'content-type': `multipart/byteranges; boundary=${BOUNDARY}` };
  return { at: (offset, size) => bytes.subarray(offset, offset + size), length: bytes.byteLength, headers };
}

/** `Repr-Digest` of the whole representation, `Content-Digest` of a plain answer's bytes, as `plan` asks. */
function digestHeaders(plan: FilePlan, file: FileBytes, answer: Extract<Answer, { start: number }>): HeaderMap {
  const headers: HeaderMap = {};
  if (plan.reprDigest.length > 0) headers['repr-digest'] = digestField(file, plan.reprDigest, 0, file.length);
  if (plan.contentDigest.length > 0 && answer.shape === 'plain') {
    headers['content-digest'] = digestField(file, plan.contentDigest, answer.start, answer.end);
  }
  return headers;
}
