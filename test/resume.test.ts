import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type DownloadProgressEvent,
  InvalidTransferOptionError,
  ResumeError,
  type ResumeState,
  type RetryEvent,
  type TransferOptions,
  TruncatedBodyError,
  transfer,
} from '../lib/index.js';
import { collect, lastOf, sequence } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

const server = useMockServer();

afterEach(() => vi.restoreAllMocks());

const SIZE = 100_000;
const FILE = pattern(SIZE);
const ETAG = '"v1"';

/** What one request for the file gets: the file as a server with Range would serve it, or a fault. */
type Fault =
  | { kind: 'serve' }
  | { kind: 'drop'; after: number }
  | { kind: 'ignore-range' }
  | { kind: 'etag'; etag: string }
  | { kind: 'offset'; by: number }
  | { kind: 'encoded' }
  | { kind: 'multipart' }
  | { kind: 'length'; total: number }
  | { kind: 'unsatisfiable' };

interface Served {
  readonly ranges: (string | null)[];
  readonly ifRanges: (string | null)[];
}

/**
 * Serves FILE at `${API}/file` with `Accept-Ranges: bytes` and `validator` headers, each request
 * answered by the next of `faults` (then served plainly), honouring Range as a server does: a
 * 206 from the asked byte when If-Range matches the current ETag, else the whole file.
 */
function fileServer(faults: Fault[], validator: Record<string, string> = { etag: ETAG }): Served {
  const served: Served = { ranges: [], ifRanges: [] };
  server.use(
    http.get(`${API}/file`, ({ request }) => {
      const fault = faults[served.ranges.length] ?? { kind: 'serve' };
      const range = request.headers.get('range');
      const ifRange = request.headers.get('if-range');
      served.ranges.push(range);
      served.ifRanges.push(ifRange);
      const headers: Record<string, string> = { 'accept-ranges': 'bytes', ...validator };
      if (fault.kind === 'etag') headers.etag = fault.etag;
      const current = headers.etag ?? headers['last-modified'];
      const from = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? Number.NaN);
      const partial =
        fault.kind !== 'ignore-range' && Number.isInteger(from) && (ifRange === null || ifRange === current);
      if (!partial) {
        const body = fault.kind === 'drop' ? dropping(FILE.subarray(0, fault.after)) : chunked(FILE);
        return new HttpResponse(body, { headers: { ...headers, 'content-length': String(SIZE) } });
      }
      const start = fault.kind === 'offset' ? from + fault.by : from;
      const rest = FILE.subarray(start);
      const total = fault.kind === 'length' ? fault.total : SIZE;
      Object.assign(headers, {
        'content-range': `bytes ${start}-${SIZE - 1}/${total}`,
        'content-length': String(rest.byteLength),
      });
      if (fault.kind === 'encoded') headers['content-encoding'] = 'identity-not';
      if (fault.kind === 'multipart') headers['content-type'] = 'multipart/byteranges; boundary=x';
      if (from >= SIZE || fault.kind === 'unsatisfiable') {
        return new HttpResponse(null, { status: 416, headers: { 'content-range': `bytes */${SIZE}` } });
      }
      const body = fault.kind === 'drop' ? dropping(rest.subarray(0, fault.after)) : chunked(rest);
      return new HttpResponse(body, { status: 206, headers });
    }),
  );
  return served;
}

/** `bytes` in chunks of 10,000. */
function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 10_000));
      offset += 10_000;
    },
  });
}

/** `bytes`, then the connection drops. */
function dropping(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice());
      setTimeout(() => controller.error(new Error('connection dropped')), 5);
    },
  });
}

const get = (options: Partial<TransferOptions> = {}) =>
  collect(
    transfer({
      url: `${API}/file`,
      responseType: 'arrayBuffer',
      progressInterval: 0,
      retry: { limit: 5, delay: 1 },
      ...options,
    } as TransferOptions),
  );
const downloads = (events: readonly { type: string }[]) =>
  events.filter((event) => event.type === 'download-progress') as DownloadProgressEvent[];
const retries = (events: readonly { type: string }[]) =>
  events.filter((event) => event.type === 'retry') as RetryEvent[];

/** A sink that keeps what it is given, and can be truncated as a `FileSystemWritableFileStream` can. */
function memorySink(truncatable: boolean) {
  const written: number[] = [];
  const state = { aborted: undefined as unknown, closed: false };
  const sink = new WritableStream<Uint8Array | { type: 'truncate'; size: number }>({
    write(chunk) {
      if (chunk instanceof Uint8Array) written.push(...chunk);
      else written.length = chunk.size;
    },
    close() {
      state.closed = true;
    },
    abort(reason) {
      state.aborted = reason;
    },
  });
  if (truncatable) Object.assign(sink, { truncate: () => undefined });
  return { sink: sink as WritableStream<Uint8Array>, bytes: () => Uint8Array.from(written), state };
}

describe('a download resumed where it stopped', () => {
  it('goes on from the bytes held after three drops, byte-identical, with one continuous progress', async () => {
    const served = fileServer([
      { kind: 'drop', after: 10_000 },
      { kind: 'drop', after: 30_000 },
      { kind: 'drop', after: 25_000 },
    ]);
    const { events, error } = await get();
    expect(error).toBeUndefined();
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
    expect(served.ranges).toEqual([null, 'bytes=10000-', 'bytes=40000-', 'bytes=65000-']);
    expect(served.ifRanges).toEqual([null, ETAG, ETAG, ETAG]);
    expect(retries(events).map((event) => event.resumeFrom)).toEqual([10_000, 40_000, 65_000]);
    expect(events.filter((event) => event.type === 'headers').map((event) => event.status)).toEqual([
      200, 206, 206, 206,
    ]);
    const progress = downloads(events);
    expect(progress.every((event) => event.total === SIZE)).toBe(true);
    for (let index = 1; index < progress.length; index++) {
      expect(progress[index]?.loaded).toBeGreaterThan(progress[index - 1]?.loaded as number);
    }
    expect(progress.map((event) => event.loaded).slice(0, 3)).toEqual([10_000, 40_000, 65_000]);
    expect(progress.at(-1)?.loaded).toBe(SIZE);
    expect(progress.filter((event) => event.percent === 100)).toHaveLength(1);
    expect(progress[1]?.resume).toEqual({
      url: `${API}/file`,
      etag: ETAG,
      lastModified: undefined,
      total: SIZE,
      offset: 40_000,
    });
  });

  it('resumes into a sink, appending only the rest', async () => {
    fileServer([{ kind: 'drop', after: 42_000 }]);
    const { sink, bytes, state } = memorySink(false);
    const { error } = await get({ sink, responseType: undefined });
    expect(error).toBeUndefined();
    expect(bytes()).toEqual(FILE);
    expect(state.closed).toBe(true);
  });

  it('resumes with Last-Modified as the validator when it is a second older than Date', async () => {
    const lastModified = 'Tue, 01 Dec 2026 10:00:00 GMT';
    const served = fileServer([{ kind: 'drop', after: 5000 }], {
      'last-modified': lastModified,
      date: 'Wed, 02 Dec 2026 10:00:00 GMT',
    });
    const { events, error } = await get();
    expect(error).toBeUndefined();
    expect(served.ifRanges).toEqual([null, lastModified]);
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
  });

  it.each([
    ['a weak ETag', { etag: 'W/"v1"' }],
    [
      'a Last-Modified as new as its Date',
      { 'last-modified': 'Wed, 02 Dec 2026 10:00:00 GMT', date: 'Wed, 02 Dec 2026 10:00:00 GMT' },
    ],
    ['no validator', {}],
  ])('starts again from 0 with %s (no strong validator: nothing to resume against)', async (_, validator) => {
    const served = fileServer([{ kind: 'drop', after: 5000 }], validator);
    const { events, error } = await get();
    expect(error).toBeUndefined();
    expect(served.ranges).toEqual([null, null]);
    expect(retries(events)[0]?.resumeFrom).toBeUndefined();
    // Appended, the second body would run past the length: an OverlongBodyError, not this file.
    expect(lastOf(events, 'complete').downloaded).toBe(SIZE);
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
  });
});

describe('answers to a Range request that are not the rest', () => {
  it.each([
    ['ignored Range', { kind: 'ignore-range' } as Fault],
    ['a changed ETag', { kind: 'etag', etag: '"v2"' } as Fault],
  ])('a 200 (%s) starts the body held in memory again from 0, never appended', async (_, fault) => {
    const served = fileServer([{ kind: 'drop', after: 20_000 }, fault]);
    const { events, error } = await get();
    expect(error).toBeUndefined();
    expect(served.ranges).toEqual([null, 'bytes=20000-']);
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
    expect(retries(events)[0]?.resumeFrom).toBe(20_000);
    expect(lastOf(events, 'complete').downloaded).toBe(SIZE);
  });

  it('a 200 starts a truncatable sink (a FileSystemWritableFileStream) again from 0', async () => {
    fileServer([{ kind: 'drop', after: 20_000 }, { kind: 'ignore-range' }]);
    const { sink, bytes } = memorySink(true);
    const { error } = await get({ sink, responseType: undefined });
    expect(error).toBeUndefined();
    expect(bytes()).toEqual(FILE);
  });

  it('a 200 into a sink that cannot be truncated fails with ResumeError and appends nothing', async () => {
    fileServer([{ kind: 'drop', after: 20_000 }, { kind: 'ignore-range' }]);
    const { sink, bytes, state } = memorySink(false);
    const { error } = await get({ sink, responseType: undefined });
    expect(error).toBeInstanceOf(ResumeError);
    expect(error).toMatchObject({ offset: 20_000, status: 200 });
    expect((error as ResumeError).reason).toMatch(/whole body came again \(200/);
    expect(bytes()).toEqual(FILE.subarray(0, 20_000));
    expect(state.aborted).toBe(error);
  });

  it.each([
    ['at another offset', { kind: 'offset', by: -1000 } as Fault, /starts at byte 19000, not at 20000/],
    [
      'of another complete length',
      { kind: 'length', total: SIZE + 1 } as Fault,
      /complete length is 100001, not 100000/,
    ],
    ['encoded', { kind: 'encoded' } as Fault, /206 is encoded/],
    ['multipart/byteranges', { kind: 'multipart' } as Fault, /multipart\/byteranges/],
  ])('a 206 %s fails with ResumeError, and nothing is appended', async (_, fault, reason) => {
    fileServer([{ kind: 'drop', after: 20_000 }, fault]);
    const { events, error } = await get();
    expect(error).toBeInstanceOf(ResumeError);
    expect((error as ResumeError).reason).toMatch(reason);
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'retry', 'start', 'headers']);
    expect(error).toMatchObject({ resume: { offset: 20_000, total: SIZE } });
  });

  it('a 416 though bytes remain fails with ResumeError (not an HTTPError of a Range the caller never sent)', async () => {
    fileServer([{ kind: 'drop', after: 20_000 }, { kind: 'unsatisfiable' }]);
    const { sink, bytes, state } = memorySink(false);
    const { events, error } = await get({ sink, responseType: undefined });
    expect(error).toBeInstanceOf(ResumeError);
    expect(error).toMatchObject({ offset: 20_000, status: 416, resume: { offset: 20_000, total: SIZE } });
    expect((error as ResumeError).reason).toMatch(/416 .*bytes \*\/100000.*20000 of 100000/);
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'retry', 'start', 'headers']);
    expect(bytes()).toEqual(FILE.subarray(0, 20_000));
    expect(state.aborted).toBe(error);
  });

  it('gives the resume state on the error when the retries run out', async () => {
    fileServer([
      { kind: 'drop', after: 1000 },
      { kind: 'drop', after: 1000 },
    ]);
    const { error } = await get({ retry: { limit: 1, delay: 1 } });
    expect(error).toBeInstanceOf(TruncatedBodyError);
    expect((error as { resume: ResumeState }).resume).toEqual({
      url: `${API}/file`,
      etag: ETAG,
      lastModified: undefined,
      total: SIZE,
      offset: 2000,
    });
  });

  it('keeps a Range of the caller’s as it is: a 206 whose total is the part, never resumed', async () => {
    const served = fileServer([]);
    const { events, error } = await get({ headers: { range: 'bytes=1000-' } });
    expect(error).toBeUndefined();
    expect(served.ranges).toEqual(['bytes=1000-']);
    expect(lastOf(events, 'download-progress')).toMatchObject({ loaded: SIZE - 1000, total: SIZE - 1000 });
    expect(lastOf(events, 'download-progress').resume).toBeUndefined();
  });
});

describe('a download resumed in another page (the resume option)', () => {
  it('writes on into the sink from a stored state: the two parts make the file', async () => {
    fileServer([]);
    const first = memorySink(false);
    let stored: ResumeState | undefined;
    await new Promise<void>((resolve) => {
      const subscription = transfer({ url: `${API}/file`, sink: first.sink, progressInterval: 0 }).subscribe(
        (event) => {
          if (event.type === 'download-progress' && event.resume !== undefined) {
            stored = JSON.parse(JSON.stringify(event.resume));
            subscription.unsubscribe();
            resolve();
          }
        },
      );
    });
    const held = first.bytes().subarray(0, (stored as ResumeState).offset);
    const second = memorySink(false);
    const served = fileServer([]);
    const { events, error } = await collect(
      transfer({ url: (stored as ResumeState).url, sink: second.sink, resume: stored, progressInterval: 0 }),
    );
    expect(error).toBeUndefined();
    expect(served.ranges).toEqual([`bytes=${held.byteLength}-`]);
    expect(downloads(events)[0]?.loaded).toBeGreaterThan(held.byteLength);
    expect(lastOf(events, 'download-progress')).toMatchObject({ loaded: SIZE, total: SIZE, percent: 100 });
    expect(Uint8Array.from([...held, ...second.bytes()])).toEqual(FILE);
  });

  it('completes at once on a 416 when the stored state already holds the whole file', async () => {
    fileServer([]);
    const { sink, bytes } = memorySink(false);
    const resume = { url: `${API}/file`, etag: ETAG, offset: SIZE, total: SIZE };
    const { events, error } = await collect(transfer({ url: `${API}/file`, sink, resume }));
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual(['start', 'headers', 'complete']);
    expect(lastOf(events, 'complete')).toMatchObject({ status: 416, downloaded: SIZE });
    expect(bytes()).toHaveLength(0);
  });

  it.each([
    [{ url: `${API}/file`, etag: ETAG, offset: 10, total: 100 }, false, 'with a sink'],
    [{ url: `${API}/file`, offset: 10, total: 100 }, true, 'etag or lastModified'],
    [{ url: `${API}/file`, etag: ETAG, offset: 200, total: 100 }, true, 'offset <= total'],
  ])('refuses a resume state %j before any traffic', async (resume, withSink, mentioned) => {
    const served = fileServer([]);
    const options = { url: `${API}/file`, resume, ...(withSink ? { sink: new WritableStream() } : {}) };
    const { events, error } = await collect(transfer(options as TransferOptions));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect((error as Error).message).toContain(mentioned);
    expect(served.ranges).toEqual([]);
  });
});
