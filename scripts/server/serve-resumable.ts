import type { Exchange, HeaderMap } from './exchange.ts';
import { receiveAppend } from './receive-append.ts';
import type { ResumableUpload, ResumableUploads } from './resumable-uploads.ts';

const PROBLEM = 'https://iana.org/assignments/http-problem-types#';

/** `Upload-Limit` of an upload (RFC 8941 dictionary): its max-size and append sizes, and how long it is kept. */
function uploadLimit({ limit }: ResumableUpload): string {
  const members = [
    limit.maxSize === undefined ? '' : `max-size=${limit.maxSize}`,
    limit.minAppend === undefined ? '' : `min-append-size=${limit.minAppend}`,
    limit.maxAppend === undefined ? '' : `max-append-size=${limit.maxAppend}`,
    'max-age=3600',
  ];
  return members.filter(Boolean).join(', ');
}

/** The state headers of an upload: Upload-Offset, Upload-Complete, Upload-Length (when known), Upload-Limit. */
function stateHeaders(upload: ResumableUpload): HeaderMap {
  const headers: HeaderMap = {
    'upload-offset': upload.offset,
    'upload-complete': upload.complete ? '?1' : '?0',
    'upload-limit': uploadLimit(upload),
  };
  if (upload.length !== undefined) headers['upload-length'] = upload.length;
  return headers;
}

/** Answers `status` for `upload`, noting it in the upload's log; `problem` adds an RFC 9457 body of that type. */
function answer(
  ex: Exchange,
  upload: ResumableUpload,
  status: number,
  problem?: Record<string, unknown>,
  headers = stateHeaders(upload),
): void {
  upload.log.push(`${ex.req.method} ${ex.req.headers['upload-offset'] ?? '-'} ${status}`);
  // A body left unread (a 409, a 413) is drained: a paused HTTP/2 stream holds up every stream of its connection.
  ex.req.resume();
  if (problem === undefined) ex.respond(status, headers);
  else {
    const body = JSON.stringify({ ...problem, type: `${PROBLEM}${problem.type}` });
    ex.respond(status, { ...headers, 'content-type': 'application/problem+json' }, body);
  }
}

/** A Structured Fields boolean header (`?0`, `?1`), or `undefined`. */
function booleanHeader(ex: Exchange, name: string): boolean | undefined {
  const value = ex.req.headers[name];
  return value === '?1' ? true : value === '?0' ? false : undefined;
}

function integerHeader(ex: Exchange, name: string): number | undefined {
  const value = ex.req.headers[name];
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * `POST /resumable/?maxSize=&minAppend=&maxAppend=&rewindAt=&rewindTo=&stallAt=&dropAt=`: creates an
 * upload (draft-ietf-httpbis-resumable-upload-11, interop version 8): `Upload-Complete` required,
 * `Upload-Length` optional (over `maxSize`: 413); a body, if any, is its first bytes. Answers 201
 * with Location and the upload's state (or, if it completed it, as a completing append does).
 */
export async function serveCreation(ex: Exchange, uploads: ResumableUploads): Promise<void> {
  ex.req.pause();
  const complete = booleanHeader(ex, 'upload-complete');
  if (ex.req.headers['upload-draft-interop-version'] !== '8' || complete === undefined) {
    return ex.respond(400, { 'content-type': 'text/plain' }, 'an upload creation needs Upload-Complete (interop 8)');
  }
  const upload = await uploads.create(ex.url);
  ex.res.setHeader('location', `/resumable/${upload.id}`);
  return appendTo(ex, uploads, upload, complete, 201);
}

/** `HEAD|PATCH|DELETE|GET /resumable/:id`: the offset, an append, cancellation, and (GET, for tests) the upload's state and log. */
export async function serveUploadResource(ex: Exchange, uploads: ResumableUploads, id: string): Promise<void> {
  ex.req.pause();
  const upload = uploads.get(id);
  if (upload === undefined) return ex.respond(404, { 'content-type': 'text/plain' }, 'no such upload');
  // Each request waits until no append is under way, and ends any that is: its connection is most likely gone.
  while (upload.current !== undefined) {
    upload.current.cut();
    await upload.current.done;
  }
  const method = ex.req.method;
  if (method === 'HEAD') return answer(ex, upload, 204);
  if (method === 'DELETE') {
    await uploads.delete(upload);
    return answer(ex, upload, 204);
  }
  if (method === 'GET') {
    const { offset, length, complete, log } = upload;
    return ex.json(200, { offset, length, complete, log, sha256: await uploads.sha256(upload) });
  }
  const complete = booleanHeader(ex, 'upload-complete');
  const offset = integerHeader(ex, 'upload-offset');
  if (ex.req.headers['content-type'] !== 'application/partial-upload') return answer(ex, upload, 415);
  if (complete === undefined || offset === undefined) return answer(ex, upload, 400);
  if (upload.complete) return answer(ex, upload, 400, { type: 'completed-upload', title: 'the upload is complete' });
  if (offset !== upload.offset) {
    const problem = { type: 'mismatching-upload-offset', 'expected-offset': upload.offset, 'provided-offset': offset };
    return answer(ex, upload, 409, { ...problem, title: 'the offset does not match the upload' });
  }
  return appendTo(ex, uploads, upload, complete, 200);
}

/** Checks the length and limits an append states, reads it, and answers: `done` when it completes the upload, else 204. */
async function appendTo(
  ex: Exchange,
  uploads: ResumableUploads,
  upload: ResumableUpload,
  complete: boolean,
  done: number,
): Promise<void> {
  const length = integerHeader(ex, 'upload-length');
  const size = integerHeader(ex, 'content-length');
  const { maxSize, maxAppend } = upload.limit;
  if (length !== undefined && upload.length !== undefined && length !== upload.length) {
    return answer(ex, upload, 400, { type: 'inconsistent-upload-length', title: 'the length differs' });
  }
  const tooLarge = (maxSize !== undefined && (length ?? 0) > maxSize) || (size ?? 0) > (maxAppend ?? Infinity);
  if (tooLarge || (maxSize !== undefined && upload.offset + (size ?? 0) > maxSize)) {
    if (done === 201) {
      ex.res.removeHeader('location');
      await uploads.delete(upload);
    }
    return answer(ex, upload, 413, { type: 'upload-limit', title: `the server takes at most ${maxSize} bytes` });
  }
  if (length !== undefined) upload.length = length;
  const end = await receiveAppend(ex, uploads, upload);
  if (end === 'too-large') return answer(ex, upload, 413);
  if (end !== 'ended') {
    upload.log.push(`${ex.req.method} ${ex.req.headers['upload-offset'] ?? '-'} ${end}`);
    return uploads.rewindIfDue(upload);
  }
  if (!complete) {
    // The rewind fault is silent: this answer states the offset before it.
    const state = stateHeaders(upload);
    await uploads.rewindIfDue(upload);
    return answer(ex, upload, done === 201 ? 201 : 204, undefined, state);
  }
  if (upload.length !== undefined && upload.offset !== upload.length) {
    return answer(ex, upload, 400, { type: 'inconsistent-upload-length', title: 'the upload ends before its length' });
  }
  upload.complete = true;
  upload.length = upload.offset;
  ex.res.setHeader('repr-digest', `sha-256=:${await uploads.sha256(upload)}:`);
  answer(ex, upload, done);
}
