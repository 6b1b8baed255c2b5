import { describe, expect, it, vi } from 'vitest';
import { InvalidTransferOptionError, type TransferBody, transfer } from '../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf, sequence } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

interface Echo {
  method: string;
  size: number;
  contentType: string | null;
  text: string;
}

const fullSequence = ['start', 'upload-progress+', 'sent', 'headers', 'download-progress+', 'complete'];

function formData(): FormData {
  const form = new FormData();
  form.append('name', 'report');
  form.append('file', new File([pattern(3000) as BlobPart], 'report.bin', { type: 'application/octet-stream' }));
  return form;
}

const cases: { kind: string; body: () => TransferBody; size: number; contentType: RegExp | null }[] = [
  { kind: 'string', body: () => 'héllo'.repeat(1000), size: 6000, contentType: /^text\/plain;charset=utf-8$/i },
  {
    kind: 'Blob',
    body: () => new Blob([pattern(70_000) as BlobPart], { type: 'image/png' }),
    size: 70_000,
    contentType: /^image\/png$/,
  },
  { kind: 'File', body: () => new File([pattern(5000) as BlobPart], 'a.bin'), size: 5000, contentType: null },
  { kind: 'ArrayBuffer', body: () => pattern(140_000).buffer as ArrayBuffer, size: 140_000, contentType: null },
  { kind: 'typed-array view', body: () => pattern(10_000).subarray(1000, 9000), size: 8000, contentType: null },
  { kind: 'DataView', body: () => new DataView(pattern(8000).buffer, 100, 6000), size: 6000, contentType: null },
  {
    kind: 'URLSearchParams',
    body: () => new URLSearchParams({ a: '1', b: 'x y'.repeat(2000) }),
    size: 6006,
    contentType: /^application\/x-www-form-urlencoded;charset=utf-8$/i,
  },
];

describe('uploads', () => {
  it.each(cases)(
    'sends a $kind body in counted chunks, reaching its total once',
    async ({ body, size, contentType }) => {
      const { events, error } = await collect(
        transfer<Echo>({
          url: `${API}/echo`,
          method: 'POST',
          body: body(),
          uploadChunkSize: 4096,
          progressInterval: 0,
        }),
      );
      expect(error).toBeUndefined();
      expect(sequence(events)).toEqual(fullSequence);
      expect(events[0]).toMatchObject({ type: 'start', method: 'POST', transport: 'fetch-stream' });
      const progress = progressOf(events, 'upload-progress');
      expect(progressInvariants(progress)).toEqual([]);
      expect(progress).toHaveLength(Math.ceil(size / 4096));
      expect(progress.at(-1)).toMatchObject({ loaded: size, total: size, percent: 100, granularity: 'chunk' });
      expect(lastOf(events, 'sent').bytes).toBe(size);
      const complete = lastOf(events, 'complete');
      expect(complete.body.size).toBe(size);
      expect(complete.uploaded).toBe(size);
      if (contentType === null) expect(complete.body.contentType).toBeNull();
      else expect(complete.body.contentType).toMatch(contentType);
      expect(complete.timings.sent).toBeGreaterThanOrEqual(complete.timings.start);
      expect(complete.timings.sent).toBeLessThanOrEqual(complete.timings.headers);
    },
  );

  it.each([
    { kind: 'URLSearchParams', body: () => new URLSearchParams({ a: '1', b: 'x y' }), size: 9 },
    { kind: 'Blob', body: () => new Blob([pattern(4096) as BlobPart]), size: 4096 },
  ])(
    'sends a $kind body of one chunk or less whole, with its length, in one progress event',
    async ({ body, size }) => {
      const { events, error } = await collect(
        transfer<Echo>({
          url: `${API}/echo`,
          method: 'POST',
          body: body(),
          uploadChunkSize: 4096,
          progressInterval: 0,
        }),
      );
      expect(error).toBeUndefined();
      expect(sequence(events)).toEqual(fullSequence);
      expect(events[0]).toMatchObject({ type: 'start', transport: 'fetch' });
      expect(progressOf(events, 'upload-progress')).toEqual([
        expect.objectContaining({ loaded: size, total: size, percent: 100, granularity: 'whole' }),
      ]);
      expect(lastOf(events, 'complete').body.size).toBe(size);
    },
  );

  it('reads a Blob a 1 MiB slice at a time in Node, never the whole Blob at once', async () => {
    // Node's blob.stream() yields a Blob made in memory as one chunk: a copy of the whole body per attempt.
    const buffers: number[] = [];
    const fetching = vi.spyOn(globalThis, 'fetch').mockImplementation(async (_, init) => {
      for await (const chunk of (init as RequestInit).body as ReadableStream<Uint8Array>)
        buffers.push(chunk.buffer.byteLength);
      return Response.json({ ok: true });
    });
    try {
      const body = new Blob([pattern(4 * 1024 * 1024) as BlobPart]);
      const { error } = await collect(transfer({ url: `${API}/echo`, method: 'PUT', body, uploadChunkSize: 65_536 }));
      expect(error).toBeUndefined();
    } finally {
      fetching.mockRestore();
    }
    // 64 chunks of 64 KiB, cut as views from four 1 MiB slices: the Blob's 4 MiB are never in memory at once.
    expect(buffers).toHaveLength(64);
    expect(Math.max(...buffers)).toBe(1024 * 1024);
  });

  it('sends the exact bytes of a typed-array view, not its whole buffer', async () => {
    const source = pattern(10_000);
    await collect(transfer({ url: `${API}/echo`, method: 'PUT', body: source.subarray(1000, 9000) }));
    expect(seen.bodies.get('/echo')).toEqual(pattern(10_000).subarray(1000, 9000));
    expect(source).toEqual(pattern(10_000));
  });

  it('sends FormData as multipart with its boundary and an exact total', async () => {
    const { events } = await collect(transfer<Echo>({ url: `${API}/echo`, method: 'POST', body: formData() }));
    expect(sequence(events)).toEqual(fullSequence);
    const complete = lastOf(events, 'complete');
    expect(complete.body.contentType).toMatch(/^multipart\/form-data; ?boundary=/);
    expect(complete.body.text).toContain('name="file"; filename="report.bin"');
    const last = progressOf(events, 'upload-progress').at(-1);
    expect(last?.total).toBe(complete.body.size);
    expect(last?.loaded).toBe(complete.body.size);
  });

  it('sends a JSON value typed by the caller as application/json', async () => {
    const { events } = await collect(
      transfer<Echo, { name: string; tags: string[] }>({
        url: `${API}/echo`,
        method: 'POST',
        json: { name: 'ø', tags: ['a'] },
      }),
    );
    const complete = lastOf(events, 'complete');
    expect(complete.body.contentType).toBe('application/json');
    expect(JSON.parse(complete.body.text)).toEqual({ name: 'ø', tags: ['a'] });
    expect(progressOf(events, 'upload-progress').at(-1)?.total).toBe(complete.body.size);
  });

  it('lets a caller-set Content-Type win over the one the body implies', async () => {
    const { events } = await collect(
      transfer<Echo>({ url: `${API}/echo`, method: 'POST', body: 'x', headers: { 'Content-Type': 'text/csv' } }),
    );
    expect(lastOf(events, 'complete').body.contentType).toBe('text/csv');
  });

  it('streams a ReadableStream body with no total, counting what the network took', async () => {
    const chunks = [pattern(1000), pattern(2000, 1000), pattern(500, 3000)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const { events } = await collect(transfer<Echo>({ url: `${API}/echo`, method: 'POST', body, progressInterval: 0 }));
    expect(sequence(events)).toEqual(fullSequence);
    const progress = progressOf(events, 'upload-progress');
    expect(progress.map((event) => event.loaded)).toEqual([1000, 3000, 3500]);
    expect(progress.every((event) => event.total === undefined && event.percent === undefined)).toBe(true);
    expect(lastOf(events, 'sent').bytes).toBe(3500);
    expect(seen.bodies.get('/echo')).toEqual(pattern(3500));
  });

  it('fails with a clear error when a ReadableStream body yields something other than bytes', async () => {
    const body = new ReadableStream({ start: (c) => c.enqueue('text' as never) }) as ReadableStream<Uint8Array>;
    const { error } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body }));
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({
      option: 'body',
      message: expect.stringMatching(/Uint8Array chunks, got string: POST/),
    });
  });

  it('sends an empty body with a sent event and no progress', async () => {
    const { events } = await collect(transfer<Echo>({ url: `${API}/echo`, method: 'POST', body: '' }));
    expect(sequence(events)).toEqual(['start', 'sent', 'headers', 'download-progress+', 'complete']);
    expect(lastOf(events, 'complete').body.size).toBe(0);
  });
});
