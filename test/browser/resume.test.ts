/**
 * Issue 12's resumed downloads and digests in the browser, against the real test server (`/file`, cross-origin: the
 * resumed request's If-Range is preflighted, its answer's ETag, Content-Range and Repr-Digest are exposed by CORS),
 * over HTTP/1.1 and HTTP/2, in Chromium and Firefox. Not in WebKit: a stream the server resets mid-body leaves its
 * read pending there (see download.test.ts).
 *
 * A cut comes 100 ms after its last byte (`lingerMs`): Chromium drops what it had buffered but not yet handed to the
 * reader when a connection is cut, and a body sent at once over loopback can be cut before the reader saw a byte
 * (the retry then starts from 0, rightly, and there is no resume to test).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { IntegrityError, ResumeError, type TransferEvent, type TransferOptions, transfer } from '../../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf } from '../support/collect.js';
import { memorySink } from '../support/memory-sink.js';
import { pattern } from '../support/pattern.js';
import { isPrefixOf, resumesOf, sameBytes, statusesOf } from '../support/resume-events.js';
import { engine, engineName, protocols, testId } from './support.js';

const SIZE = 1_000_003;
const FILE = pattern(SIZE);
const ETAG = `"f${SIZE}-1"`;

async function digestOf(algorithm: 'SHA-256' | 'SHA-512', bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>));
  return btoa(String.fromCharCode(...digest));
}

const bodyOf = (events: readonly TransferEvent[]) => new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer);

interface Ranged {
  range: string | null;
  ifRange: string | null;
  status: number;
}

/** What the server saw of each request of `id`: its Range and If-Range, and the status it answered. */
async function served(origin: string, id: string): Promise<Ranged[]> {
  const response = await fetch(`${origin}/records/${id}?wait=settled&timeout=5000`);
  const record = (await response.json()) as { ranged: Ranged; earlier: { ranged: Ranged }[] };
  return [...record.earlier.map((earlier) => earlier.ranged), record.ranged];
}

// The digest check is loaded on demand: loaded here once, so that no first-time module load delays a read.
beforeAll(() =>
  import('../../lib/bodies/digest-check.js').then((check) => check.startDigestCheck(new Headers(), true, false)),
);

/** Chromium asks for `Accept-Encoding: identity` with a Range, and fails the fetch of an answer that is encoded. */
const refusesEncodedPart = engine === 'chromium';

describe.skipIf(engine === 'webkit').each(protocols)(
  `resumed downloads in ${engineName} over $protocol`,
  ({ origin }) => {
    const file = (id: string, query: string) => `${origin}/file?id=${id}&size=${SIZE}&lingerMs=100&${query}`;
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

    it('goes on from the bytes held after three cuts: byte-identical, one continuous progress', async () => {
      const id = testId();
      const cuts = [1000, 400_000, 900_000];
      const { events, error } = await get(file(id, `cutAt=${cuts}`));
      expect(error).toBeUndefined();
      expect(sameBytes(bodyOf(events), FILE)).toBe(true);
      expect(statusesOf(events)).toEqual([200, 206, 206, 206]);
      expect(resumesOf(events)).toEqual(cuts);
      expect(await served(origin, id)).toEqual([
        { range: null, ifRange: null, status: 200 },
        ...cuts.map((from) => ({ range: `bytes=${from}-`, ifRange: ETAG, status: 206 })),
      ]);
      const progress = progressOf(events, 'download-progress');
      expect(progressInvariants(progress)).toEqual([]);
      expect(progress.every((event) => event.total === SIZE)).toBe(true);
    });

    it('appends only the rest to a sink, which is closed once whole', async () => {
      const { sink, bytes, state } = memorySink(false);
      const { events, error } = await get(file(testId(), 'cutAt=250000,700000'), { sink, responseType: undefined });
      expect(error).toBeUndefined();
      expect(statusesOf(events)).toEqual([200, 206, 206]);
      expect(sameBytes(bytes(), FILE)).toBe(true);
      expect(state.closed).toBe(true);
    });

    it.each([
      ['ignores the Range', 'ignore-range'],
      ['has changed (If-Range fails)', 'etag'],
    ])('starts a body held in memory again from 0 when the server %s (a 200)', async (_, fault) => {
      const { events, error } = await get(file(testId(), `cutAt=300000&fault=${fault}`));
      expect(error).toBeUndefined();
      expect(statusesOf(events)).toEqual([200, 200]);
      expect(lastOf(events, 'complete').downloaded).toBe(SIZE);
      expect(sameBytes(bodyOf(events), FILE)).toBe(true);
    });

    it.each<[string, string, RegExp]>([
      ['a 200 into a sink that cannot be truncated', 'ignore-range', /whole body came again \(200/],
      ['a 206 at another offset', 'offset', /starts at byte \d+, not at \d+/],
      ['a multipart/byteranges 206', 'multipart', /multipart\/byteranges/],
      ...(refusesEncodedPart
        ? []
        : [['a gzipped 206', 'encoded', /206 is encoded \(gzip\)/] as [string, string, RegExp]]),
      ['a 416 though bytes remain', '416', /a 416 \(Content-Range: bytes \*\/1000003\)/],
    ])(
      'fails with ResumeError when the Range is answered by %s, having kept only right bytes',
      async (_, fault, reason) => {
        const { sink, bytes, state } = memorySink(false);
        const { events, error } = await get(file(testId(), `cutAt=300000&fault=${fault}`), {
          sink,
          responseType: undefined,
        });
        expect(error).toBeInstanceOf(ResumeError);
        expect((error as ResumeError).reason).toMatch(reason);
        expect(statusesOf(events)).toHaveLength(2);
        expect(state.aborted).toBe(error);
        expect(isPrefixOf(bytes(), FILE)).toBe(true);
        expect(error).toMatchObject({ offset: bytes().byteLength });
      },
    );

    it.runIf(refusesEncodedPart)(
      'ends with a NetworkError on a gzipped 206: Chromium asks a Range for identity and fails what comes encoded',
      async () => {
        const id = testId();
        const { sink, bytes, state } = memorySink(false);
        const { events, error } = await get(file(id, 'cutAt=300000&fault=encoded'), { sink, responseType: undefined });
        expect(error).toMatchObject({ name: 'NetworkError', cause: { name: 'TypeError', message: 'Failed to fetch' } });
        expect(statusesOf(events)).toEqual([200]);
        expect(new Set(resumesOf(events))).toEqual(new Set([bytes().byteLength]));
        expect((await served(origin, id)).slice(1).every((each) => each.status === 206)).toBe(true);
        expect(state.aborted).toBe(error);
        expect(isPrefixOf(bytes(), FILE)).toBe(true);
      },
    );

    it.each([
      ['sha-256', 'SHA-256'],
      ['sha-512', 'SHA-512'],
    ] as const)('checks a %s Repr-Digest: the right file completes, a flipped bit fails', async (algorithm, subtle) => {
      const right = await get(file(testId(), `digest=${algorithm}&cutAt=400000`), { digest: 'require' });
      expect(right.error).toBeUndefined();
      expect(statusesOf(right.events)).toEqual([200, 206]);
      expect(sameBytes(bodyOf(right.events), FILE)).toBe(true);
      const wrong = await get(file(testId(), `digest=${algorithm}&corrupt=777777`));
      expect(wrong.error).toBeInstanceOf(IntegrityError);
      expect(wrong.error).toMatchObject({ algorithm, expected: await digestOf(subtle, FILE) });
    });

    it("leaves a gzip file's digest unchecked (the browser decodes first); digest: 'require' then fails", async () => {
      const url = file(testId(), 'gzip=1&digest=sha-256');
      const checked = await get(url);
      expect(checked.error).toBeUndefined();
      expect(lastOf(checked.events, 'headers').headers.get('content-encoding')).toBe('gzip');
      expect(sameBytes(bodyOf(checked.events), FILE)).toBe(true);
      const required = await get(url, { digest: 'require' });
      expect(required.error).toBeInstanceOf(IntegrityError);
      expect((required.error as Error).message).toMatch(/cannot be checked/);
    });
  },
);
