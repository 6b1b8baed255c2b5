/**
 * The test server's `/file` route on its own, with Node's plain fetch over HTTP/1.1: Range and If-Range as a static
 * file server answers them, digests of what it serves, and each fault it can be asked for. The resume tests build on it.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransferServer, type TransferServer } from '../scripts/server/transfer-server.ts';
import { pattern } from './support/pattern.js';

let server: TransferServer;
beforeAll(async () => {
  server = await startTransferServer({ lifetimeMs: 120_000 });
});
afterAll(() => server?.close());

const SIZE = 100_000;
const FILE = pattern(SIZE);
const ETAG = `"f${SIZE}-1"`;
const digest = (algorithm: 'sha256' | 'sha512', bytes: Uint8Array) =>
  createHash(algorithm).update(bytes).digest('base64');

async function get(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.http1}/file?size=${SIZE}&${query}`, { headers });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('/file: Range and If-Range', () => {
  it('serves the whole file with Accept-Ranges, a strong ETag, and a Last-Modified older than Date', async () => {
    const { response, bytes } = await get('');
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'accept-ranges': 'bytes',
      etag: ETAG,
      'last-modified': 'Thu, 01 Jan 2026 00:00:00 GMT',
      'content-length': String(SIZE),
    });
    expect(Date.parse(response.headers.get('date') ?? '')).toBeGreaterThan(Date.parse('2026-01-02'));
    expect(bytes).toEqual(FILE);
  });

  it.each([
    ['bytes=40000-', ETAG, 40_000, SIZE],
    ['bytes=40000-49999', ETAG, 40_000, 50_000],
    ['bytes=99999-', 'Thu, 01 Jan 2026 00:00:00 GMT', 99_999, SIZE],
  ])('answers %s under If-Range %s with a 206 of those bytes', async (range, ifRange, start, end) => {
    const { response, bytes } = await get('', { range, 'if-range': ifRange });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end - 1}/${SIZE}`);
    expect(bytes).toEqual(FILE.subarray(start, end));
  });

  it.each([
    ['another ETag', '"f1-1"'],
    ['a weak ETag', `W/${ETAG}`],
    ['another date', 'Fri, 02 Jan 2026 00:00:00 GMT'],
  ])('answers a Range under an If-Range of %s with the whole file', async (_, ifRange) => {
    const { response, bytes } = await get('', { range: 'bytes=10-', 'if-range': ifRange });
    expect(response.status).toBe(200);
    expect(bytes).toEqual(FILE);
  });

  it('answers a Range from the end or beyond with 416 bytes */<length>', async () => {
    const { response } = await get('', { range: `bytes=${SIZE}-` });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${SIZE}`);
  });

  it('changes the validators after the first request of an id with fault=etag, so that If-Range fails', async () => {
    const id = crypto.randomUUID();
    const first = await get(`id=${id}&fault=etag`);
    const second = await get(`id=${id}&fault=etag`, { range: 'bytes=10-', 'if-range': ETAG });
    expect(first.response.headers.get('etag')).toBe(ETAG);
    expect(second.response.status).toBe(200);
    expect(second.response.headers.get('etag')).toBe(`"f${SIZE}-2"`);
    expect(server.records.get(id)?.ranged).toEqual({ range: 'bytes=10-', ifRange: ETAG, status: 200 });
  });
});

describe('/file: digests and corruption', () => {
  it('states Repr-Digest of the whole file, and Content-Digest of the part a 206 carries', async () => {
    const { response } = await get('digest=sha-256,sha-512&contentDigest=sha-256', { range: 'bytes=60000-' });
    expect(response.headers.get('repr-digest')).toBe(
      `sha-256=:${digest('sha256', FILE)}:, sha-512=:${digest('sha512', FILE)}:`,
    );
    expect(response.headers.get('content-digest')).toBe(`sha-256=:${digest('sha256', FILE.subarray(60_000))}:`);
  });

  it('flips one bit at corrupt=<offset> and keeps the digest of the right bytes', async () => {
    const { response, bytes } = await get('digest=sha-256&corrupt=70000', { range: 'bytes=60000-' });
    expect(response.headers.get('repr-digest')).toBe(`sha-256=:${digest('sha256', FILE)}:`);
    const expected = FILE.slice(60_000);
    expected[10_000] = (expected[10_000] as number) ^ 1;
    expect(bytes).toEqual(expected);
  });

  it('serves the gzip of the file with gzip=1, with the digest of the gzip bytes', async () => {
    const response = await fetch(`${server.http1}/file?size=${SIZE}&gzip=1&digest=sha-256`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    // Node's fetch decodes gzip whatever was asked: the digest is checked against the same gzip made again.
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(FILE);
    const gzipped = gzipSync(FILE);
    expect(response.headers.get('content-length')).toBe(String(gzipped.byteLength));
    expect(response.headers.get('repr-digest')).toBe(`sha-256=:${digest('sha256', gzipped)}:`);
  });
});

describe('/file: faults', () => {
  const ranged = (query: string) => get(query, { range: 'bytes=20000-', 'if-range': ETAG });

  it('ignores the Range with fault=ignore-range: a 200 of the whole file', async () => {
    const { response, bytes } = await ranged('fault=ignore-range');
    expect(response.status).toBe(200);
    expect(bytes).toEqual(FILE);
  });

  it('starts the 206 a thousand bytes early with fault=offset, as its Content-Range says', async () => {
    const { response, bytes } = await ranged('fault=offset');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 19000-${SIZE - 1}/${SIZE}`);
    expect(bytes).toEqual(FILE.subarray(19_000));
  });

  it('gzips the 206 with fault=encoded', async () => {
    const { response, bytes } = await ranged('fault=encoded');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(bytes).toEqual(FILE.subarray(20_000));
  });

  it('sends a multipart/byteranges 206 of the one range with fault=multipart', async () => {
    const { response, bytes } = await ranged('fault=multipart');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-type')).toBe('multipart/byteranges; boundary=rx-transfer-part');
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.startsWith('--rx-transfer-part\r\ncontent-type: application/octet-stream\r\n')).toBe(true);
    expect(text).toContain(`content-range: bytes 20000-${SIZE - 1}/${SIZE}\r\n\r\n`);
    expect(text.endsWith('\r\n--rx-transfer-part--\r\n')).toBe(true);
  });

  it('answers a satisfiable Range with 416 with fault=416', async () => {
    const { response } = await ranged('fault=416');
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${SIZE}`);
  });

  it('cuts the k-th request of an id at the k-th offset of cutAt, then serves the rest whole', async () => {
    const id = crypto.randomUUID();
    const query = `id=${id}&cutAt=1000,50000`;
    await expect(get(query)).rejects.toThrow();
    await expect(get(query, { range: 'bytes=1000-', 'if-range': ETAG })).rejects.toThrow();
    const third = await get(query, { range: 'bytes=50000-', 'if-range': ETAG });
    expect(third.bytes).toEqual(FILE.subarray(50_000));
    const record = server.records.get(id);
    expect(record?.earlier.map((earlier) => [earlier.bytesSent, earlier.serverAborted])).toEqual([
      [1000, true],
      [49_000, true],
    ]);
    expect(record).toMatchObject({ requests: 3, bytesSent: SIZE - 50_000, serverAborted: false });
  });

  it('keeps a cut connection open lingerMs after its last byte', async () => {
    const response = await fetch(`${server.http1}/file?size=${SIZE}&id=${crypto.randomUUID()}&cutAt=1000&lingerMs=300`);
    const startedAt = performance.now();
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(performance.now() - startedAt).toBeGreaterThan(250);
  });
});
