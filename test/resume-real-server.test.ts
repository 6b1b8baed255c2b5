/**
 * Issue 12's resumed downloads and digests against the project's real test server (scripts/server/, route `/file`),
 * over HTTP/1.1 and HTTP/2: connections cut at given offsets, each wrong answer to a Range, digests right and
 * wrong. Whatever the server does, the download ends byte-identical, or restarts, or fails with a typed error: never
 * with wrong bytes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IntegrityError, ResumeError, type TransferEvent, type TransferOptions, transfer } from '../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf } from './support/collect.js';
import { memorySink } from './support/memory-sink.js';
import { pattern } from './support/pattern.js';
import { isPrefixOf, resumesOf, sameBytes, statusesOf } from './support/resume-events.js';
import { useTransferServer } from './support/use-transfer-server.js';

const { server, faces } = useTransferServer();

const SIZE = 1_000_003;
const FILE = pattern(SIZE);
const ETAG = `"f${SIZE}-1"`;
const digestOf = (algorithm: 'sha256' | 'sha512', bytes: Uint8Array) =>
  createHash(algorithm).update(bytes).digest('base64');

const bodyOf = (events: readonly TransferEvent[]) => new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer);

describe.each(faces)('resumed downloads from the real test server over $protocol', ({ origin, recorded }) => {
  // A cut comes 20 ms after its last byte, so that the reader has taken them all (see test/browser/resume.test.ts).
  const file = (id: string, query: string) => `${origin()}/file?id=${id}&size=${SIZE}&lingerMs=20&${query}`;
  const get = (url: string, options: Partial<TransferOptions> = {}) =>
    collect(
      transfer({
        url,
        responseType: 'arrayBuffer',
        progressInterval: 0,
        retry: { limit: 5, delay: 10 },
        ...options,
      } as TransferOptions),
    );
  /** What the server saw of each request of `id`: its Range and If-Range, and the status it answered. */
  const served = (id: string) => {
    const record = server().records.get(id);
    return [...(record?.earlier ?? []), ...(record === undefined ? [] : [record])].map((each) => each.ranged);
  };

  it('goes on from the bytes held after three cuts: byte-identical, one continuous progress', async () => {
    const id = crypto.randomUUID();
    const { events, error } = await get(file(id, 'cutAt=1000,400000,900000'));
    expect(error).toBeUndefined();
    expect(sameBytes(bodyOf(events), FILE)).toBe(true);
    expect(statusesOf(events)).toEqual([200, 206, 206, 206]);
    const cuts = [1000, 400_000, 900_000];
    expect(resumesOf(events)).toEqual(cuts);
    expect(served(id)).toEqual([
      { range: null, ifRange: null, status: 200 },
      ...cuts.map((from) => ({ range: `bytes=${from}-`, ifRange: ETAG, status: 206 })),
    ]);
    const progress = progressOf(events, 'download-progress');
    expect(progressInvariants(progress)).toEqual([]);
    expect(progress.every((event) => event.total === SIZE)).toBe(true);
    expect(server().records.get(id)).toMatchObject({ protocol: recorded, requests: 4, responseComplete: true });
  });

  it('resumes with Last-Modified when the file has no ETag', async () => {
    const id = crypto.randomUUID();
    const { events, error } = await get(file(id, 'validator=last-modified&cutAt=300000'));
    expect(error).toBeUndefined();
    expect(sameBytes(bodyOf(events), FILE)).toBe(true);
    expect(served(id)[1]).toMatchObject({ ifRange: 'Thu, 01 Jan 2026 00:00:00 GMT', status: 206 });
  });

  it('starts again from 0 under a weak ETag: nothing to resume against', async () => {
    const id = crypto.randomUUID();
    const { events, error } = await get(file(id, 'validator=weak&cutAt=300000'));
    expect(error).toBeUndefined();
    expect(resumesOf(events)).toEqual([undefined]);
    expect(served(id)).toEqual([
      { range: null, ifRange: null, status: 200 },
      { range: null, ifRange: null, status: 200 },
    ]);
    expect(sameBytes(bodyOf(events), FILE)).toBe(true);
  });

  it('appends only the rest to a sink, which is closed once whole', async () => {
    const id = crypto.randomUUID();
    const { sink, bytes, state } = memorySink(false);
    const { events, error } = await get(file(id, 'cutAt=250000,700000'), { sink, responseType: undefined });
    expect(error).toBeUndefined();
    expect(statusesOf(events)).toEqual([200, 206, 206]);
    expect(sameBytes(bytes(), FILE)).toBe(true);
    expect(state.closed).toBe(true);
  });

  it('completes at once on the 416 a stored state that holds the whole file gets', async () => {
    const id = crypto.randomUUID();
    const url = file(id, '');
    const { sink, bytes } = memorySink(false);
    const resume = { url, etag: ETAG, offset: SIZE, total: SIZE };
    const { events, error } = await collect(transfer({ url, sink, resume }));
    expect(error).toBeUndefined();
    expect(lastOf(events, 'complete')).toMatchObject({ status: 416, downloaded: SIZE });
    expect(served(id)).toEqual([{ range: `bytes=${SIZE}-`, ifRange: ETAG, status: 416 }]);
    expect(bytes()).toHaveLength(0);
  });

  describe('answers to the Range of a resume that are not the rest', () => {
    it.each([
      ['ignores the Range', 'ignore-range'],
      ['has changed (If-Range fails)', 'etag'],
    ])('starts a body held in memory again from 0 when the server %s (a 200)', async (_, fault) => {
      const id = crypto.randomUUID();
      const { events, error } = await get(file(id, `cutAt=300000&fault=${fault}`));
      expect(error).toBeUndefined();
      expect(statusesOf(events)).toEqual([200, 200]);
      expect(resumesOf(events)[0]).toBeGreaterThan(0);
      expect(lastOf(events, 'complete').downloaded).toBe(SIZE);
      expect(sameBytes(bodyOf(events), FILE)).toBe(true);
      expect(served(id)[1]).toMatchObject({ range: `bytes=${resumesOf(events)[0]}-`, status: 200 });
    });

    it.each([
      ['ignore-range', true],
      ['etag', false],
    ])('on a 200 (fault %s), truncates a truncatable sink, or fails another with ResumeError', async (fault, can) => {
      const id = crypto.randomUUID();
      const { sink, bytes, state } = memorySink(can);
      const { error } = await get(file(id, `cutAt=300000&fault=${fault}`), { sink, responseType: undefined });
      if (can) {
        expect(error).toBeUndefined();
        expect(sameBytes(bytes(), FILE)).toBe(true);
        return;
      }
      expect(error).toBeInstanceOf(ResumeError);
      expect(error).toMatchObject({ status: 200 });
      expect(state.aborted).toBe(error);
      expect(isPrefixOf(bytes(), FILE)).toBe(true);
      expect(bytes().byteLength).toBe((error as ResumeError).offset);
    });

    it.each([
      ['a 206 at another offset', 'offset', /starts at byte \d+, not at \d+/],
      ['a gzipped 206', 'encoded', /206 is encoded \(gzip\)/],
      ['a multipart/byteranges 206', 'multipart', /multipart\/byteranges/],
      ['a 416 though bytes remain', '416', /a 416 \(Content-Range: bytes \*\/1000003\)/],
    ])(
      'fails with ResumeError when the Range is answered by %s, having kept only right bytes',
      async (_, fault, reason) => {
        const id = crypto.randomUUID();
        const { sink, bytes, state } = memorySink(false);
        const { events, error } = await get(file(id, `cutAt=300000&fault=${fault}`), { sink, responseType: undefined });
        expect(error).toBeInstanceOf(ResumeError);
        expect((error as ResumeError).reason).toMatch(reason);
        expect(statusesOf(events)).toHaveLength(2);
        expect(state.aborted).toBe(error);
        expect(isPrefixOf(bytes(), FILE)).toBe(true);
        expect(error).toMatchObject({
          offset: bytes().byteLength,
          resume: { offset: bytes().byteLength, total: SIZE },
        });
      },
    );
  });

  describe('digests of the file', () => {
    const SHA256 = digestOf('sha256', FILE);
    const SHA512 = digestOf('sha512', FILE);

    it.each([
      ['Repr-Digest sha-256', 'digest=sha-256'],
      ['Repr-Digest sha-512', 'digest=sha-512'],
      ['Content-Digest sha-256 and sha-512', 'contentDigest=sha-256,sha-512'],
    ])('completes a body that matches its %s', async (_, query) => {
      const { events, error } = await get(file(crypto.randomUUID(), query), { digest: 'require' });
      expect(error).toBeUndefined();
      expect(sameBytes(bodyOf(events), FILE)).toBe(true);
    });

    it.each([
      ['sha-256', 'sha256', SHA256],
      ['sha-512', 'sha512', SHA512],
    ] as const)(
      'fails a body with one flipped bit against its %s with IntegrityError',
      async (algorithm, node, expected) => {
        const { sink, state } = memorySink(false);
        const { error } = await get(file(crypto.randomUUID(), `digest=${algorithm}&corrupt=123456`), {
          sink,
          responseType: undefined,
        });
        const wrong = FILE.slice();
        wrong[123_456] = (wrong[123_456] as number) ^ 1;
        expect(error).toBeInstanceOf(IntegrityError);
        expect(error).toMatchObject({ algorithm, expected, actual: digestOf(node, wrong) });
        expect(state).toMatchObject({ aborted: error, closed: false });
      },
    );

    it("checks the whole file across resumes, against the 200's Content-Digest and not the 206's", async () => {
      const id = crypto.randomUUID();
      const { events, error } = await get(file(id, 'contentDigest=sha-256&cutAt=200000,600000'), {
        digest: 'require',
      });
      expect(error).toBeUndefined();
      expect(statusesOf(events)).toEqual([200, 206, 206]);
      expect(sameBytes(bodyOf(events), FILE)).toBe(true);
    });

    it('fails a resumed body whose rest has a flipped bit', async () => {
      const id = crypto.randomUUID();
      const { events, error } = await get(file(id, 'digest=sha-512&cutAt=200000&corrupt=654321'));
      expect(statusesOf(events)).toEqual([200, 206]);
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ algorithm: 'sha-512', expected: SHA512 });
    });

    it("does not check a gzip file's digest (it covers the encoded bytes); digest: 'require' then fails", async () => {
      const url = file(crypto.randomUUID(), 'gzip=1&digest=sha-256');
      const checked = await get(url);
      expect(checked.error).toBeUndefined();
      expect(lastOf(checked.events, 'headers').headers.get('content-encoding')).toBe('gzip');
      expect(sameBytes(bodyOf(checked.events), FILE)).toBe(true);
      const required = await get(url, { digest: 'require' });
      expect(required.error).toBeInstanceOf(IntegrityError);
      expect((required.error as Error).message).toMatch(/cannot be checked/);
    });
  });
});
