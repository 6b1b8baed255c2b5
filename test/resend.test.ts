import { createServer } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidTransferOptionError,
  isTransferError,
  NetworkError,
  RedirectError,
  type StartEvent,
  type TransferEvent,
  transfer,
} from '../lib/index.js';
import { collect, lastOf, sequence } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

interface Echo {
  method: string;
  size: number;
}

const KiB = 1024;
/** More than one chunk in Node (1 MiB), so that it streams. */
const BIG = 1536 * KiB;

/**
 * A ReadableStream body of `size` bytes that records whether it was cancelled; `Infinity` sends
 * one chunk and then waits until it is cancelled.
 */
function trackedStream(size: number) {
  const state = { cancelled: false };
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= size) return controller.close();
      if (offset > 0 && size === Number.POSITIVE_INFINITY) return new Promise<void>(() => undefined);
      controller.enqueue(pattern(Math.min(16 * KiB, size - offset)));
      offset += 16 * KiB;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const starts = (events: readonly TransferEvent<unknown>[]) =>
  events.filter((event): event is StartEvent => event.type === 'start');

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('a streamed upload that fails', () => {
  it('is never sent again, and the next upload to that origin streams as before', async () => {
    const realFetch = globalThis.fetch;
    const calls: string[] = [];
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(String(input));
      if (calls.length === 1) return Promise.reject(new TypeError('fetch failed'));
      return realFetch(input, init);
    });
    const body = () => new Blob([pattern(BIG) as BlobPart]);
    const failed = await collect(transfer({ url: `${API}/echo`, method: 'POST', body: body() }));
    expect(failed.error).toBeInstanceOf(NetworkError);
    expect(sequence(failed.events)).toEqual(['start']);
    expect(calls).toHaveLength(1);
    const next = await collect(transfer<Echo>({ url: `${API}/echo`, method: 'POST', body: body() }));
    expect(next.error).toBeUndefined();
    expect(starts(next.events)).toEqual([expect.objectContaining({ attempt: 1, transport: 'fetch-stream' })]);
    expect(lastOf(next.events, 'complete').body.size).toBe(BIG);
  });

  it('releases the caller’s ReadableStream after a fetch-level failure', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));
    const { stream, state } = trackedStream(BIG);
    const { error } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body: stream }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(state.cancelled).toBe(true);
  });
});

describe('a streamed upload answered with a redirect', () => {
  it.each([307, 308])('is re-sent whole after a %i and follows it as fetch does', async (code) => {
    const body = new Blob([pattern(BIG) as BlobPart]);
    const { events, error } = await collect(
      transfer<Echo>({ url: `${API}/redirect/${code}`, method: 'PUT', body, progressInterval: 0 }),
    );
    expect(error).toBeUndefined();
    expect(starts(events)).toEqual([
      expect.objectContaining({ attempt: 1, transport: 'fetch-stream' }),
      expect.objectContaining({ attempt: 2, transport: 'fetch' }),
    ]);
    expect(lastOf(events, 'headers')).toMatchObject({ status: 200, redirected: true });
    expect(lastOf(events, 'complete').body).toMatchObject({ method: 'PUT', size: BIG });
    expect(seen.bodies.get('/echo')).toEqual(pattern(BIG));
    expect(seen.requests.map(({ method, url }) => `${method} ${new URL(url).pathname}`)).toEqual([
      `PUT /redirect/${code}`,
      `PUT /redirect/${code}`,
      'PUT /echo',
    ]);
  });

  it('follows a 303 with a GET, as fetch does, a large Blob and a small JSON body alike', async () => {
    const body = new Blob([pattern(BIG) as BlobPart]);
    const { events, error } = await collect(transfer<Echo>({ url: `${API}/redirect/303`, method: 'POST', body }));
    expect(error).toBeUndefined();
    expect(lastOf(events, 'complete').body).toMatchObject({ method: 'GET', size: 0 });
    const json = await collect(transfer<Echo>({ url: `${API}/redirect/303`, method: 'POST', json: { small: true } }));
    expect(json.error).toBeUndefined();
    expect(lastOf(json.events, 'complete').body).toMatchObject({ method: 'GET', size: 0 });
  });

  it('fails with a RedirectError naming it for a ReadableStream body, and releases the stream', async () => {
    const { stream, state } = trackedStream(Number.POSITIVE_INFINITY);
    const { events, error } = await collect(transfer({ url: `${API}/redirect/307`, method: 'POST', body: stream }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(isTransferError(error, 'RedirectError')).toBe(true);
    // Node's fetch refuses the redirect (`redirect: 'error'`, so that it keeps no copy of the body): it shows neither status nor location.
    expect(error).toMatchObject({ status: 0, location: undefined });
    expect((error as Error).message).toMatch(/redirected \(opaque\), which a ReadableStream body cannot follow/);
    expect(starts(events)).toHaveLength(1);
    expect(state.cancelled).toBe(true);
    expect(seen.requests.map(({ url }) => new URL(url).pathname)).toEqual(['/redirect/307']);
  });
});

describe('an upload to an endpoint that needs a Content-Length', () => {
  it('states the length of a streamed body of known size in Node', async () => {
    await collect(transfer({ url: `${API}/echo`, method: 'POST', body: new Blob([pattern(BIG) as BlobPart]) }));
    expect(seen.requests[0]?.headers.get('content-length')).toBe(String(BIG));
    expect(seen.requests[0]?.headers.get('transfer-encoding')).toBeNull();
  });

  it('re-sends a streamed body refused with 411 once, whole', async () => {
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      if (!(init?.body instanceof ReadableStream)) return realFetch(input, init);
      // As browsers send a streamed body: without Content-Length.
      const headers = new Headers(init.headers);
      headers.delete('content-length');
      return realFetch(input, { ...init, headers });
    });
    const { events, error } = await collect(
      transfer<{ size: number }>({ url: `${API}/length-required`, method: 'POST', body: pattern(BIG) }),
    );
    expect(error).toBeUndefined();
    expect(starts(events).map((event) => event.transport)).toEqual(['fetch-stream', 'fetch']);
    expect(seen.lengths).toEqual([null, String(BIG)]);
    expect(lastOf(events, 'complete').body.size).toBe(BIG);
  });

  it('refuses a caller-set Content-Length that contradicts the body, before any traffic', async () => {
    const { events, error } = await collect(
      transfer({ url: `${API}/echo`, method: 'POST', body: pattern(100), headers: { 'Content-Length': '50' } }),
    );
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option: 'headers' });
    expect((error as Error).message).toMatch(/Content-Length 50 does not match the body's 100 bytes/);
    expect(seen.requests).toEqual([]);
  });

  it('fails fast in Node when a ReadableStream body contradicts a caller-set Content-Length', async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const { stream } = trackedStream(1000);
    const startedAt = performance.now();
    const { error } = await collect(
      transfer({
        url: `http://127.0.0.1:${port}/`,
        method: 'POST',
        body: stream,
        headers: { 'content-length': '5000' },
      }),
    );
    server.closeAllConnections();
    server.close();
    expect(error).toBeInstanceOf(NetworkError);
    expect(performance.now() - startedAt).toBeLessThan(5000);
  });
});

describe('a streamed upload the server answers before taking it all', () => {
  it('releases the caller’s ReadableStream and reports the answer', async () => {
    const { stream, state } = trackedStream(Number.POSITIVE_INFINITY);
    const { events, error } = await collect(transfer({ url: `${API}/answer-early/413`, method: 'POST', body: stream }));
    expect(error).toMatchObject({ name: 'HTTPError', data: 'answered early' });
    expect(lastOf(events, 'headers').status).toBe(413);
    expect(state.cancelled).toBe(true);
  });
});
