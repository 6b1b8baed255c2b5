import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { IntegrityError, InvalidTransferOptionError, type TransferOptions, transfer } from '../lib/index.js';
import { collect, lastOf } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

const server = useMockServer();

const SIZE = 200_000;
const FILE = pattern(SIZE);
const digestOf = (algorithm: 'sha256' | 'sha512', bytes: Uint8Array) =>
  createHash(algorithm).update(bytes).digest('base64');
const SHA256 = digestOf('sha256', FILE);
const SHA512 = digestOf('sha512', FILE);

/** Serves `body` at `${API}/digested` with `headers`, recording the request headers. */
function serve(body: Uint8Array, headers: Record<string, string>) {
  const seen: Headers[] = [];
  server.use(
    http.get(`${API}/digested`, ({ request }) => {
      seen.push(request.headers);
      return new HttpResponse(body.slice(), { headers: { 'content-length': String(body.byteLength), ...headers } });
    }),
  );
  return seen;
}

const get = (options: Partial<TransferOptions> = {}) =>
  collect(
    transfer({ url: `${API}/digested`, responseType: 'arrayBuffer', retry: false, ...options } as TransferOptions),
  );

/** FILE with one bit flipped at `at`. */
const flipped = (at: number) => {
  const copy = FILE.slice();
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
};

describe('bodies checked against their digests (RFC 9530)', () => {
  it.each([
    ['Repr-Digest sha-256', { 'repr-digest': `sha-256=:${SHA256}:` }],
    ['Repr-Digest sha-512', { 'repr-digest': `sha-512=:${SHA512}:` }],
    ['Content-Digest sha-256', { 'content-digest': `sha-256=:${SHA256}:` }],
    ['both algorithms', { 'repr-digest': `sha-256=:${SHA256}:, sha-512=:${SHA512}:` }],
  ])('completes a body that matches its %s', async (_, headers) => {
    serve(FILE, headers);
    const { events, error } = await get();
    expect(error).toBeUndefined();
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
  });

  it.each([
    ['sha-256', 'sha256', 0],
    ['sha-256', 'sha256', SIZE - 1],
    ['sha-512', 'sha512', 77_777],
  ] as const)('fails a body with one flipped bit against its %s digest (bit at %#)', async (algorithm, node, at) => {
    const expected = digestOf(node, FILE);
    serve(flipped(at), { 'repr-digest': `${algorithm}=:${expected}:` });
    const { events, error } = await get();
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ algorithm, expected, actual: digestOf(node, flipped(at)) });
    expect(events.some((event) => event.type === 'complete')).toBe(false);
  });

  // A body held whole (arrayBuffer, blob, text) is hashed once at its end by WebCrypto for SHA-256; any other is hashed
  // chunk by chunk with hash-wasm as it streams. Each must tell a right body from one with a bit flipped.
  it.each([
    ['arrayBuffer', 'sha256'],
    ['blob', 'sha256'],
    ['text', 'sha256'],
    ['none', 'sha256'],
    ['arrayBuffer', 'sha512'],
    ['none', 'sha512'],
  ] as const)('checks a body read as %s against its %s, right and with one bit flipped', async (responseType, node) => {
    const algorithm = node === 'sha256' ? 'sha-256' : 'sha-512';
    serve(FILE, { 'repr-digest': `${algorithm}=:${digestOf(node, FILE)}:` });
    const right = await get({ responseType });
    expect(right.error).toBeUndefined();
    expect(lastOf(right.events, 'complete').downloaded).toBe(SIZE);
    serve(flipped(SIZE >> 1), { 'repr-digest': `${algorithm}=:${digestOf(node, FILE)}:` });
    const wrong = await get({ responseType });
    expect(wrong.error).toBeInstanceOf(IntegrityError);
    expect(wrong.error).toMatchObject({ expected: digestOf(node, FILE), actual: digestOf(node, flipped(SIZE >> 1)) });
  });

  it('hashes a held body chunk by chunk with hash-wasm where WebCrypto is missing (a page not in a secure context)', async () => {
    vi.stubGlobal('crypto', {});
    try {
      serve(FILE, { 'repr-digest': `sha-256=:${SHA256}:` });
      expect((await get()).error).toBeUndefined();
      serve(flipped(3), { 'repr-digest': `sha-256=:${SHA256}:` });
      expect((await get()).error).toMatchObject({ actual: digestOf('sha256', flipped(3)) });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('aborts a sink when the body does not match, and closes it when it does', async () => {
    serve(flipped(5), { 'repr-digest': `sha-256=:${SHA256}:` });
    let aborted: unknown;
    let closed = false;
    const { error } = await get({
      responseType: undefined,
      sink: new WritableStream({
        abort(reason) {
          aborted = reason;
        },
      }),
    });
    expect(error).toBeInstanceOf(IntegrityError);
    expect(aborted).toBe(error);
    serve(FILE, { 'repr-digest': `sha-256=:${SHA256}:` });
    const sink = new WritableStream({
      close() {
        closed = true;
      },
    });
    const ok = await get({ responseType: undefined, sink });
    expect(ok.error).toBeUndefined();
    expect(closed).toBe(true);
  });

  it('does not check a digest under a Content-Encoding (browsers decode before any reader)', async () => {
    const gzipped = gzipSync(FILE);
    serve(gzipped, { 'content-encoding': 'gzip', 'repr-digest': `sha-256=:${digestOf('sha256', gzipped)}:` });
    const { events, error } = await get();
    expect(error).toBeUndefined();
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
    serve(gzipped, { 'content-encoding': 'gzip', 'repr-digest': `sha-256=:${digestOf('sha256', gzipped)}:` });
    const required = await get({ digest: 'require' });
    expect(required.error).toBeInstanceOf(IntegrityError);
    expect((required.error as Error).message).toMatch(/cannot be checked: no Repr-Digest or Content-Digest/);
  });

  it('with digest: "require", asks for a digest and fails when none comes', async () => {
    const seen = serve(FILE, {});
    const { error } = await get({ digest: 'require' });
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ algorithm: undefined, expected: undefined, actual: undefined });
    expect(seen[0]?.get('want-repr-digest')).toBe('sha-512=10, sha-256=9');
  });

  it("with digest: 'off', checks nothing", async () => {
    serve(flipped(1), { 'repr-digest': `sha-256=:${SHA256}:` });
    expect((await get({ digest: 'off' })).error).toBeUndefined();
  });

  it('ignores digests of algorithms it does not check, and malformed ones', async () => {
    serve(FILE, { 'repr-digest': 'md5=:AAAA:, sha-256=not-base64' });
    expect((await get()).error).toBeUndefined();
  });

  /** FILE with Repr-Digest and an ETag, dropped after 80,000 bytes once; the rest (206) with a flipped bit when asked. */
  function droppedOnce(flipRest: boolean) {
    server.use(
      http.get(`${API}/digested`, ({ request }) => {
        const headers = { 'accept-ranges': 'bytes', etag: '"d1"', 'repr-digest': `sha-256=:${SHA256}:` };
        if (request.headers.get('range') === null) {
          const cut = new ReadableStream({
            start(controller) {
              controller.enqueue(FILE.slice(0, 80_000));
              setTimeout(() => controller.error(new Error('dropped')), 5);
            },
          });
          return new HttpResponse(cut, { headers: { ...headers, 'content-length': String(SIZE) } });
        }
        const rest = (flipRest ? flipped(150_000) : FILE).slice(80_000);
        return new HttpResponse(rest, {
          status: 206,
          headers: {
            ...headers,
            'content-range': `bytes 80000-${SIZE - 1}/${SIZE}`,
            'content-length': String(rest.byteLength),
          },
        });
      }),
    );
  }

  it('checks the whole file across a resume: the hash goes on over the rest', async () => {
    droppedOnce(false);
    const { events, error } = await get({ retry: { limit: 3, delay: 1 } });
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type === 'headers').map((event) => event.status)).toEqual([200, 206]);
    expect(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer)).toEqual(FILE);
  });

  it('fails a resumed body whose rest was corrupted', async () => {
    droppedOnce(true);
    const { events, error } = await get({ retry: { limit: 3, delay: 1 } });
    expect(error).toBeInstanceOf(IntegrityError);
    expect(events.filter((event) => event.type === 'headers').map((event) => event.status)).toEqual([200, 206]);
  });

  it.each([
    ['HEAD', 200],
    ['PUT', 204],
  ] as const)('does not check a %s answer (%i) without a body against the digest it states', async (method, status) => {
    server.use(
      http.all(
        `${API}/described`,
        () => new HttpResponse(null, { status, headers: { 'repr-digest': `sha-256=:${SHA256}:` } }),
      ),
    );
    const { events, error } = await collect(transfer({ url: `${API}/described`, method, retry: false }));
    expect(error).toBeUndefined();
    expect(lastOf(events, 'complete').status).toBe(status);
  });

  it('refuses a digest option it does not know, before any traffic', async () => {
    const { events, error } = await get({ digest: 'sha-256' as never });
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
  });
});
