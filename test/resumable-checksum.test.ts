import { createHash } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { InvalidTransferOptionError } from '../lib/index.js';
import { memoryStore, type ResumableEvent, resumableUpload } from '../lib/resumable/index.js';
import { collect } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

const server = useMockServer();

/**
 * A tus server in MSW at `${API}/sums/` that lists the checksum extension with `algorithms` (none:
 * no checksum extension) and checks `Upload-Checksum` on each PATCH: a mismatch is 460. The PATCHes
 * numbered in `damaged` (from 0) lose their first byte's value on the way (flipped).
 */
function checksumServer(algorithms: string | undefined, damaged: number[] = []) {
  const bytes: number[] = [];
  const log: string[] = [];
  let patches = 0;
  server.use(
    http.options(`${API}/sums/`, () => {
      log.push('OPTIONS');
      const extension = algorithms === undefined ? 'creation,termination' : 'creation,termination,checksum';
      const headers: Record<string, string> = { 'tus-resumable': '1.0.0', 'tus-extension': extension };
      if (algorithms !== undefined) headers['tus-checksum-algorithm'] = algorithms;
      return new HttpResponse(null, { status: 204, headers });
    }),
    http.post(`${API}/sums/`, () => {
      log.push('POST');
      return new HttpResponse(null, { status: 201, headers: { location: '/sums/u1', 'tus-resumable': '1.0.0' } });
    }),
    http.head(`${API}/sums/u1`, () => {
      log.push(`HEAD ${bytes.length}`);
      return new HttpResponse(null, { status: 200, headers: { 'upload-offset': String(bytes.length) } });
    }),
    http.patch(`${API}/sums/u1`, async ({ request }) => {
      const chunk = new Uint8Array(await request.arrayBuffer());
      if (damaged.includes(patches++)) chunk[0] = (chunk[0] ?? 0) ^ 0xff;
      const header = request.headers.get('upload-checksum');
      const [algorithm = '', sum = ''] = header?.split(' ') ?? [];
      const matches = header === null || createHash(algorithm).update(chunk).digest('base64') === sum;
      log.push(
        `PATCH ${request.headers.get('upload-offset')}+${chunk.byteLength} ${header === null ? '-' : algorithm}`,
      );
      if (!matches) return new HttpResponse('checksum mismatch', { status: 460 });
      bytes.push(...chunk);
      return new HttpResponse(null, { status: 204, headers: { 'upload-offset': String(bytes.length) } });
    }),
  );
  return { log, stored: () => Uint8Array.from(bytes) };
}

const upload = (protocol: 'tus' | 'ietf' = 'tus') =>
  collect(
    resumableUpload({
      endpoint: `${API}/sums/`,
      body: new Blob([pattern(100_000) as Uint8Array<ArrayBuffer>]),
      protocol,
      chunkSize: 40_000,
      checksum: true,
      store: memoryStore(),
      retry: { limit: 3, delay: 1 },
      progressInterval: 0,
    }) as never,
  ) as Promise<{ events: ResumableEvent[]; error: unknown }>;

describe('the tus checksum extension (MSW)', () => {
  it('asks once with OPTIONS and sends each append with the strongest checksum the server lists', async () => {
    const tus = checksumServer('md5, sha1,sha256');
    const { error } = await upload();
    expect(error).toBeUndefined();
    expect(tus.log).toEqual([
      'OPTIONS',
      'POST',
      'PATCH 0+40000 sha256',
      'PATCH 40000+40000 sha256',
      'PATCH 80000+20000 sha256',
    ]);
    expect(tus.stored()).toEqual(pattern(100_000));
  });

  it('prefers sha512, and takes sha1 when it is all the server has', async () => {
    const strong = checksumServer('sha1,sha512,sha256');
    expect((await upload()).error).toBeUndefined();
    expect(strong.log.filter((line) => line.startsWith('PATCH')).every((line) => line.endsWith('sha512'))).toBe(true);
    const weak = checksumServer('sha1');
    expect((await upload()).error).toBeUndefined();
    expect(weak.log.filter((line) => line.startsWith('PATCH')).every((line) => line.endsWith('sha1'))).toBe(true);
  });

  it('sends an append refused with 460 (damaged on the way) again, after reading the offset', async () => {
    const tus = checksumServer('sha1', [1]);
    const { events, error } = await upload();
    expect(error).toBeUndefined();
    expect(tus.log).toEqual([
      'OPTIONS',
      'POST',
      'PATCH 0+40000 sha1',
      'PATCH 40000+40000 sha1',
      'HEAD 40000',
      'PATCH 40000+40000 sha1',
      'PATCH 80000+20000 sha1',
    ]);
    expect(tus.stored()).toEqual(pattern(100_000));
    expect(events.find((event) => event.type === 'retry')).toMatchObject({ error: { response: { status: 460 } } });
  });

  it('sends no checksum to a server without the extension, or with none of its algorithms', async () => {
    const plain = checksumServer(undefined);
    expect((await upload()).error).toBeUndefined();
    expect(plain.log.filter((line) => line.startsWith('OPTIONS'))).toHaveLength(1);
    expect(plain.log.filter((line) => line.startsWith('PATCH')).every((line) => line.endsWith(' -'))).toBe(true);
    const md5 = checksumServer('md5,crc32');
    expect((await upload()).error).toBeUndefined();
    expect(md5.log.filter((line) => line.startsWith('PATCH')).every((line) => line.endsWith(' -'))).toBe(true);
    expect(md5.stored()).toEqual(pattern(100_000));
  });

  it('refuses the checksum option with the IETF protocol, before any traffic', async () => {
    const tus = checksumServer('sha1');
    const { error, events } = await upload('ietf');
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option: 'checksum' });
    expect(events).toEqual([]);
    expect(tus.log).toEqual([]);
  });
});
