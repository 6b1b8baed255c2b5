import ky from 'ky';
import { describe, expect, it } from 'vitest';
import { InvalidTransferOptionError, type TransferOptions, transfer } from '../lib/index.js';
import { collect, lastOf } from './support/collect.js';
import { API, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

const lockedStream = () => {
  const stream = new ReadableStream<Uint8Array>();
  stream.getReader();
  return stream;
};

const lockedSink = () => {
  const sink = new WritableStream<Uint8Array>();
  sink.getWriter();
  return sink;
};

const post = { url: `${API}/echo`, method: 'POST' };
const get = { url: `${API}/json` };

describe('options refused before any traffic', () => {
  const invalid: [string, Record<string, unknown>, string][] = [
    ['a locked ReadableStream body', { ...post, body: lockedStream() }, 'body'],
    ['a keepBytes beyond the safe integers', { ...get, keepBytes: 1e20 }, 'keepBytes'],
    [
      'an uploadChunkSize beyond the safe integers',
      { ...post, body: 'x', uploadChunkSize: 2 ** 60 },
      'uploadChunkSize',
    ],
    ['a sizeHintHeader that is no header name', { ...get, sizeHintHeader: 'x decoded length' }, 'sizeHintHeader'],
    ['an empty sizeHintHeader', { ...get, sizeHintHeader: '' }, 'sizeHintHeader'],
    ['a locked sink', { ...get, sink: lockedSink() }, 'sink'],
    ['headers that are a number', { ...get, headers: 5 }, 'headers'],
    ['headers that are a string', { ...get, headers: 'x-a: b' }, 'headers'],
    ['headers that are a Map', { ...get, headers: new Map([['x-a', 'b']]) }, 'headers'],
    ['headers as an array of strings', { ...get, headers: ['x-a', 'b'] }, 'headers'],
    ['hooks that are a number', { ...get, hooks: 5 }, 'hooks'],
    ['hooks that are an array', { ...get, hooks: [() => undefined] }, 'hooks'],
    ['a hook list that is not an array', { ...get, hooks: { beforeRequest: () => undefined } }, 'hooks'],
    ['a hook list holding a non-function', { ...get, hooks: { afterResponse: [5] } }, 'hooks'],
    ['searchParams that are a number', { ...get, searchParams: 5 }, 'searchParams'],
    ['searchParams with an object value', { ...get, searchParams: { a: { b: 1 } } }, 'searchParams'],
    ['searchParams as an array of non-pairs', { ...get, searchParams: [['a', 'b', 'c']] }, 'searchParams'],
    ['a ky that is not a function', { ...get, ky: 5 }, 'ky'],
    ['a ky that is a plain object', { ...get, ky: { get: () => undefined } }, 'ky'],
    ['a URL with credentials', { url: 'http://user:secret@api.test/json' }, 'url'],
    ['a URL with a user name only', { url: 'http://user@api.test/json' }, 'url'],
    ['an ftp: URL', { url: 'ftp://api.test/file.bin' }, 'url'],
    ['a file: URL', { url: 'file:///etc/hostname' }, 'url'],
    ['a javascript: URL', { url: 'javascript:alert(1)' }, 'url'],
    ['a ws: URL', { url: 'ws://api.test/socket' }, 'url'],
    ['a data: URL with a body', { url: 'data:text/plain,hi', method: 'POST', body: 'x' }, 'url'],
  ];

  it.each(invalid)('refuses %s with an InvalidTransferOptionError naming it', async (_, options, option) => {
    const { events, error } = await collect(transfer(options as unknown as TransferOptions));
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option, message: expect.stringContaining(`Invalid option \`${option}\``) });
    expect(events).toEqual([]);
    expect(seen.requests).toEqual([]);
  });

  it('keeps a URL’s credentials out of the error message', async () => {
    const { error } = await collect(transfer({ url: 'http://user:secret@api.test/json' }));
    expect((error as Error).message).not.toContain('secret');
    expect((error as InvalidTransferOptionError).url).not.toContain('secret');
  });
});

describe('options accepted in every shape ky and fetch take', () => {
  const valid: [string, Partial<TransferOptions>][] = [
    ['headers as a Headers', { headers: new Headers({ 'x-a': 'b' }) }],
    ['headers as pairs', { headers: [['x-a', 'b']] }],
    ['headers as a record with an unset entry', { headers: { 'x-a': 'b', 'x-b': undefined } }],
    ['headers as a null-prototype record', { headers: Object.assign(Object.create(null), { 'x-a': 'b' }) }],
    ['searchParams as a string', { searchParams: 'a=1' }],
    ['searchParams as a record of primitives', { searchParams: { a: 1, b: true, c: 'x', d: undefined } }],
    ['searchParams as pairs', { searchParams: [['a', 1]] }],
    ['searchParams as URLSearchParams', { searchParams: new URLSearchParams('a=1') }],
    [
      'hooks with empty and filled lists',
      { hooks: { beforeRequest: [], afterResponse: [({ response }) => response] } },
    ],
    ['a ky instance', { ky: ky.create({}) }],
    ['a sizeHintHeader that is a header name', { sizeHintHeader: 'x-decoded-length' }],
    ['the largest safe keepBytes', { keepBytes: Number.MAX_SAFE_INTEGER }],
  ];

  it.each(valid)('accepts %s', async (_, options) => {
    const { error } = await collect(transfer({ url: `${API}/json`, ...options } as TransferOptions));
    expect(error).toBeUndefined();
    expect(seen.requests).toHaveLength(1);
  });

  it('reads a data: URL with GET', async () => {
    const { error, events } = await collect(transfer({ url: 'data:text/plain,hello', responseType: 'text' }));
    expect(error).toBeUndefined();
    expect(lastOf(events, 'complete').body).toBe('hello');
  });

  it('reads a blob: URL with GET', async () => {
    const url = URL.createObjectURL(new Blob(['from a blob']));
    try {
      const { error, events } = await collect(transfer({ url, responseType: 'text' }));
      expect(error).toBeUndefined();
      expect(lastOf(events, 'complete').body).toBe('from a blob');
    } finally {
      URL.revokeObjectURL(url);
    }
  });
});

describe('ReadableStream bodies the Streams API cannot tell apart from empty ones', () => {
  const endless = () => new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(8)) });
  const closed = () => new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });

  it.each([
    [
      'cancelled',
      async () => {
        const stream = endless();
        await stream.cancel('changed my mind');
        return stream;
      },
    ],
    ['closed', async () => closed()],
  ])('sends a %s stream as an empty body (documented)', async (_, make) => {
    const body = await make();
    expect(body.locked).toBe(false);
    const { error, events } = await collect(transfer({ ...post, body }));
    expect(error).toBeUndefined();
    expect(lastOf(events, 'complete').body).toMatchObject({ size: 0 });
    expect(seen.bodies.get('/echo')?.byteLength).toBe(0);
  });
});

describe('keepBytes', () => {
  it.each([1e9, 2 ** 32])('keeps no more memory than arrived for keepBytes %d', async (keepBytes) => {
    const { error, events } = await collect(transfer({ url: `${API}/text`, responseType: 'none', keepBytes }));
    expect(error).toBeUndefined();
    const { prefix } = lastOf(events, 'complete');
    expect(new TextDecoder().decode(prefix)).toBe('héllo wörld');
    expect(prefix?.buffer.byteLength).toBeLessThanOrEqual(prefix?.byteLength ?? 0);
  });

  it('keeps exactly the first keepBytes of a body that arrives in many chunks', async () => {
    const { events } = await collect(
      transfer({ url: `${API}/bytes?size=5000&chunk=256`, responseType: 'none', keepBytes: 1000 }),
    );
    const { prefix } = lastOf(events, 'complete');
    expect(prefix?.byteLength).toBe(1000);
    expect(prefix?.buffer.byteLength).toBe(1000);
    expect([...(prefix ?? [])].every((byte, index) => byte === index % 251)).toBe(true);
  });
});
