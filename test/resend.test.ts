import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTransferOptionError, NetworkError, transfer } from '../lib/index.js';
import { collect, lastOf, progressOf, sequence } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

interface Echo {
  size: number;
}

/**
 * Chromium refuses a streamed request body to an HTTP/1.1 origin at once, with
 * `TypeError: Failed to fetch`, before anything is sent. Node has no such refusal, so it is
 * simulated at the one place it happens, fetch, by refusing the first request with a body;
 * the browser tests show the real thing.
 */
function refuseStreamedBodies() {
  const realFetch = globalThis.fetch;
  const refused: string[] = [];
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (request.body !== null && refused.length === 0) {
      refused.push(request.url);
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    return realFetch(input, init);
  });
  return refused;
}

describe('a streamed attempt refused before anything was sent', () => {
  let refused: string[];
  beforeEach(() => {
    refused = [];
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is re-sent once, whole, as attempt 2, and the events say which path ran', async () => {
    refused = refuseStreamedBodies();
    const body = new Blob([pattern(30_000) as BlobPart]);
    const { events, error } = await collect(
      transfer<Echo>({ url: `${API}/echo`, method: 'POST', body, progressInterval: 0 }),
    );
    expect(error).toBeUndefined();
    expect(refused).toHaveLength(1);
    expect(sequence(events)).toEqual([
      'start',
      'start',
      'upload-progress+',
      'sent',
      'headers',
      'download-progress+',
      'complete',
    ]);
    expect(events.filter((event) => event.type === 'start')).toEqual([
      expect.objectContaining({ attempt: 1, transport: 'fetch-stream' }),
      expect.objectContaining({ attempt: 2, transport: 'fetch' }),
    ]);
    expect(progressOf(events, 'upload-progress')).toEqual([
      expect.objectContaining({ loaded: 30_000, granularity: 'whole' }),
    ]);
    expect(lastOf(events, 'complete').body.size).toBe(30_000);
    expect(seen.requests).toHaveLength(1);
  });

  it('goes straight to the path that worked on the next request to that origin', async () => {
    refused = refuseStreamedBodies();
    await collect(transfer({ url: `${API}/echo`, method: 'POST', body: 'first' }));
    const { events } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body: 'second' }));
    expect(refused).toHaveLength(1);
    expect(events.filter((event) => event.type === 'start')).toEqual([
      expect.objectContaining({ attempt: 1, transport: 'fetch' }),
    ]);
  });

  it('fails a ReadableStream body with a clear error that says why, since it cannot be re-sent', async () => {
    refused = refuseStreamedBodies();
    const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(10)) });
    const { events, error } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body }));
    expect(sequence(events)).toEqual(['start']);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect((error as Error).message).toMatch(/refuses .*Chromium streams only over HTTP\/2.*cannot be re-sent/);
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    const again = await collect(transfer({ url: `${API}/echo`, method: 'POST', body: new ReadableStream() }));
    expect(again.events).toEqual([]);
    expect(again.error).toBeInstanceOf(InvalidTransferOptionError);
  });

  it('is not re-sent where streamed bodies are known to work: a network error is a network error', async () => {
    await collect(transfer({ url: `${API}/echo`, method: 'POST', body: 'works' }));
    refused = refuseStreamedBodies();
    const { events, error } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body: 'fails' }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(sequence(events)).toEqual(['start']);
    expect(refused).toHaveLength(1);
  });

  it('is not re-sent after the network took part of the body', async () => {
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const body = input instanceof Request ? input.body : init?.body;
      const reader = (body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      await reader.read();
      await reader.cancel();
      throw new TypeError('Failed to fetch');
    });
    const { events, error } = await collect(
      transfer({
        url: `${API}/echo`,
        method: 'POST',
        body: pattern(100_000),
        uploadChunkSize: 1000,
        progressInterval: 0,
      }),
    );
    vi.stubGlobal('fetch', realFetch);
    expect(error).toBeInstanceOf(NetworkError);
    expect(sequence(events)).toEqual(['start', 'upload-progress+']);
    expect(seen.requests).toEqual([]);
  });
});
