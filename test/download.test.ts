import { describe, expect, it } from 'vitest';
import { transfer } from '../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf, sequence } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

describe('downloads', () => {
  it('reports a GET with Content-Length in order, with a trustworthy total reaching 100% once', async () => {
    const { events, error } = await collect(
      transfer({ url: `${API}/bytes?size=5000&chunk=700`, responseType: 'arrayBuffer', progressInterval: 0 }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'complete']);
    expect(events[0]).toMatchObject({
      type: 'start',
      attempt: 1,
      method: 'GET',
      url: `${API}/bytes?size=5000&chunk=700`,
    });
    expect(lastOf(events, 'headers')).toMatchObject({ status: 200, statusText: 'OK', redirected: false });
    const progress = progressOf(events, 'download-progress');
    expect(progressInvariants(progress)).toEqual([]);
    expect(progress.every((event) => event.total === 5000 && event.type === 'download-progress')).toBe(true);
    expect(lastOf(events, 'download-progress')).toMatchObject({
      loaded: 5000,
      percent: 100,
      totalSource: 'content-length',
    });
    const complete = lastOf(events, 'complete');
    expect(new Uint8Array(complete.body as ArrayBuffer)).toEqual(pattern(5000));
    expect(complete).toMatchObject({ status: 200, downloaded: 5000, uploaded: 0 });
    const { start, headers, complete: done } = complete.timings;
    expect(start).toBeLessThanOrEqual(headers);
    expect(headers).toBeLessThanOrEqual(done);
    expect(complete.timings.sent).toBeUndefined();
  });

  it('reports no total, percent or ETA for a GET without Content-Length', async () => {
    const { events } = await collect(
      transfer({ url: `${API}/bytes?size=3000&length=none`, responseType: 'blob', progressInterval: 0 }),
    );
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'complete']);
    const progress = progressOf(events, 'download-progress');
    expect(
      progress.every((event) => event.total === undefined && event.percent === undefined && event.eta === undefined),
    ).toBe(true);
    expect(progress.at(-1)?.loaded).toBe(3000);
    const blob = lastOf(events, 'complete').body as Blob;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(pattern(3000));
  });

  it('invents no total for a gzip body, whose Content-Length counts compressed bytes', async () => {
    const { events, error } = await collect(transfer({ url: `${API}/gzip?size=20000`, responseType: 'arrayBuffer' }));
    expect(error).toBeUndefined();
    expect(lastOf(events, 'headers').headers.get('content-length')).not.toBe('20000');
    const progress = progressOf(events, 'download-progress');
    expect(progress.every((event) => event.total === undefined)).toBe(true);
    expect(progress.at(-1)?.loaded).toBe(20000);
    expect(lastOf(events, 'complete').downloaded).toBe(20000);
  });

  it('trusts a size-hint header the caller names, under gzip too', async () => {
    const { events } = await collect(
      transfer({ url: `${API}/gzip?size=20000`, responseType: 'none', sizeHintHeader: 'x-decoded-length' }),
    );
    const progress = progressOf(events, 'download-progress');
    expect(progressInvariants(progress)).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ loaded: 20000, total: 20000, percent: 100, totalSource: 'size-hint' });
    expect(lastOf(events, 'complete').body).toBeUndefined();
  });

  it('parses JSON by default and decodes text as UTF-8', async () => {
    const json = await collect(transfer<{ id: number }>({ url: `${API}/json` }));
    expect(lastOf(json.events, 'complete').body).toEqual({ id: 7, name: 'seven' });
    const text = await collect(transfer({ url: `${API}/text`, responseType: 'text' }));
    expect(lastOf(text.events, 'complete').body).toBe('héllo wörld');
  });

  it('gives undefined for an empty JSON body and reports no download progress', async () => {
    const { events } = await collect(transfer({ url: `${API}/empty` }));
    expect(sequence(events)).toEqual(['start', 'headers', 'complete']);
    expect(lastOf(events, 'complete')).toMatchObject({ status: 204, body: undefined, downloaded: 0 });
  });

  it('completes a HEAD request, whose Content-Length describes a body it does not have', async () => {
    const { events, error } = await collect(
      transfer({ url: `${API}/bytes`, method: 'HEAD', responseType: 'arrayBuffer' }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual(['start', 'headers', 'complete']);
    expect(lastOf(events, 'complete')).toMatchObject({ status: 200, downloaded: 0 });
  });

  it('hands the body stream over unread at the headers with responseType stream', async () => {
    const { events } = await collect(transfer({ url: `${API}/bytes?size=2000`, responseType: 'stream' }));
    expect(sequence(events)).toEqual(['start', 'headers', 'complete']);
    const stream = lastOf(events, 'complete').body as ReadableStream<Uint8Array>;
    expect(new Uint8Array(await new Response(stream).arrayBuffer())).toEqual(pattern(2000));
  });

  it('pipes the body into a sink with backpressure and keeps the first N bytes', async () => {
    const written: Uint8Array[] = [];
    let closed = false;
    const sink = new WritableStream<Uint8Array>(
      {
        write: async (chunk) => {
          written.push(chunk);
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
        close: () => {
          closed = true;
        },
      },
      { highWaterMark: 1 },
    );
    const { events, error } = await collect(
      transfer({ url: `${API}/bytes?size=10000&chunk=1000`, sink, keepBytes: 1500 }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'complete']);
    const complete = lastOf(events, 'complete');
    expect(complete.body).toBeUndefined();
    expect(complete.prefix).toEqual(pattern(1500));
    expect(closed).toBe(true);
    expect(new Uint8Array(await new Blob(written as BlobPart[]).arrayBuffer())).toEqual(pattern(10000));
  });

  it('keeps only as many prefix bytes as the body has', async () => {
    const { events } = await collect(transfer({ url: `${API}/bytes?size=100`, responseType: 'none', keepBytes: 4096 }));
    expect(lastOf(events, 'complete').prefix).toEqual(pattern(100));
  });

  it('sends custom headers, search params and prefix through ky', async () => {
    const { events } = await collect(
      transfer<Record<string, string>>({
        url: 'headers',
        prefix: API,
        searchParams: { q: 'a b' },
        headers: { 'x-custom': 'yes' },
      }),
    );
    expect(lastOf(events, 'start').url).toBe(`${API}/headers?q=a+b`);
    expect(lastOf(events, 'complete').body['x-custom']).toBe('yes');
    expect(seen.requests).toHaveLength(1);
  });
});
