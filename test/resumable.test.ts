import { createHash } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { HTTPError, InvalidTransferOptionError, TransferAbortError } from '../lib/index.js';
import {
  memoryStore,
  type ResumableEvent,
  ResumableUploadError,
  type ResumableUploadOptions,
  resumableUpload,
} from '../lib/resumable/index.js';
import { collect as collectAny } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

const server = useMockServer();

type Fault = 'drop-append' | 'lose-half' | '409' | 'gone';

/**
 * A tus 1.0.0 server in MSW at `${API}/tus/`: creation, HEAD, PATCH with offset checks. Each
 * PATCH takes the next of `faults` first: `drop-append` stores half the chunk then drops the
 * connection; `lose-half` answers 204 with an offset that keeps only half; `409` refuses it
 * as at a wrong offset; `gone` forgets the upload (404 from then on).
 */
function tusServer(faults: Fault[] = []) {
  const uploads = new Map<string, { length: number | undefined; bytes: number[] }>();
  const log: string[] = [];
  let next = 0;
  server.use(
    http.post(`${API}/tus/`, ({ request }) => {
      const id = `u${++next}`;
      const length = request.headers.get('upload-length');
      uploads.set(id, { length: length === null ? undefined : Number(length), bytes: [] });
      log.push(`POST ${request.headers.get('upload-length') ?? 'deferred'} ${request.headers.get('tus-resumable')}`);
      return new HttpResponse(null, { status: 201, headers: { location: `/tus/${id}`, 'tus-resumable': '1.0.0' } });
    }),
    http.head(`${API}/tus/:id`, ({ params }) => {
      const upload = uploads.get(params.id as string);
      log.push(`HEAD ${upload?.bytes.length ?? 404}`);
      if (upload === undefined) return new HttpResponse(null, { status: 404 });
      return new HttpResponse(null, { status: 200, headers: { 'upload-offset': String(upload.bytes.length) } });
    }),
    http.patch(`${API}/tus/:id`, async ({ request, params }) => {
      const upload = uploads.get(params.id as string);
      const offset = Number(request.headers.get('upload-offset'));
      const chunk = new Uint8Array(await request.arrayBuffer());
      const fault = faults.shift();
      log.push(`PATCH ${offset}+${chunk.byteLength}${fault ? ` ${fault}` : ''}`);
      if (upload === undefined || fault === 'gone') {
        uploads.delete(params.id as string);
        return new HttpResponse(null, { status: 404 });
      }
      if (offset !== upload.bytes.length || fault === '409') return new HttpResponse(null, { status: 409 });
      if (fault === 'drop-append') {
        upload.bytes.push(...chunk.subarray(0, chunk.byteLength >> 1));
        return HttpResponse.error();
      }
      const kept = fault === 'lose-half' ? chunk.subarray(0, chunk.byteLength >> 1) : chunk;
      upload.bytes.push(...kept);
      const length = request.headers.get('upload-length');
      if (length !== null) upload.length = Number(length);
      return new HttpResponse(null, { status: 204, headers: { 'upload-offset': String(upload.bytes.length) } });
    }),
  );
  return { uploads, log, stored: (id = `u${next}`) => Uint8Array.from(uploads.get(id)?.bytes ?? []) };
}

const upload = (options: Partial<ResumableUploadOptions>) =>
  collectAny(
    resumableUpload({
      endpoint: `${API}/tus/`,
      body: new Blob([pattern(100_000) as Uint8Array<ArrayBuffer>]),
      chunkSize: 30_000,
      store: memoryStore(),
      retry: { limit: 3, delay: 1 },
      progressInterval: 0,
      ...options,
    } as ResumableUploadOptions) as never,
  ) as Promise<{ events: ResumableEvent[]; error: unknown; completed: boolean }>;

const types = (events: readonly ResumableEvent[]) => {
  const out: string[] = [];
  for (const { type } of events)
    if (!(type === 'upload-progress' && out.at(-1) === 'upload-progress+'))
      out.push(type === 'upload-progress' ? 'upload-progress+' : type);
  return out;
};
const progress = (events: readonly ResumableEvent[]) =>
  events.flatMap((event) => (event.type === 'upload-progress' ? [event.loaded] : []));

describe('resumable uploads over tus 1.0.0 (MSW)', () => {
  it('creates the upload and appends it chunk by chunk, with one progress over the whole', async () => {
    const tus = tusServer();
    const { events, error } = await upload({});
    expect(error).toBeUndefined();
    expect(tus.log).toEqual([
      'POST 100000 1.0.0',
      'PATCH 0+30000',
      'PATCH 30000+30000',
      'PATCH 60000+30000',
      'PATCH 90000+10000',
    ]);
    expect(tus.stored()).toEqual(pattern(100_000));
    expect(types(events)).toEqual(['start', 'upload-progress+', 'sent', 'headers', 'complete']);
    const loaded = progress(events);
    expect(loaded.at(-1)).toBe(100_000);
    expect(loaded.every((value, index) => index === 0 || value >= (loaded[index - 1] as number))).toBe(true);
    expect(events.at(-1)).toMatchObject({
      type: 'complete',
      url: `${API}/tus/u1`,
      uploaded: 100_000,
      sentNow: 100_000,
    });
  });

  it('goes on from the offset the server holds after a dropped append, reading it with HEAD', async () => {
    const tus = tusServer([undefined as never, 'drop-append']);
    const { events, error } = await upload({});
    expect(error).toBeUndefined();
    expect(tus.log).toEqual([
      'POST 100000 1.0.0',
      'PATCH 0+30000',
      'PATCH 30000+30000 drop-append',
      'HEAD 45000',
      'PATCH 45000+30000',
      'PATCH 75000+25000',
    ]);
    expect(tus.stored()).toEqual(pattern(100_000));
    expect(types(events)).toEqual([
      'start',
      'upload-progress+',
      'retry',
      'start',
      'offset',
      'upload-progress+',
      'sent',
      'headers',
      'complete',
    ]);
    // The server held more than was acknowledged: the offset goes forward, never back.
    expect(events.find((event) => event.type === 'offset')).toMatchObject({
      offset: 45_000,
      previous: 30_000,
      reason: 'resumed',
    });
  });

  it('says so when the server holds less than it was sent, and progress goes back only then', async () => {
    const tus = tusServer(['lose-half']);
    const { events, error } = await upload({});
    expect(error).toBeUndefined();
    expect(tus.stored()).toEqual(pattern(100_000));
    const behind = events.findIndex((event) => event.type === 'offset');
    expect(events[behind]).toMatchObject({ offset: 15_000, previous: 30_000, reason: 'behind' });
    const loaded = progress(events);
    const drops = loaded.filter((value, index) => index > 0 && value < (loaded[index - 1] as number));
    expect(drops).toEqual([15_000]);
  });

  it('reads the offset again after a 409, and starts again after the upload is gone (404)', async () => {
    const tus = tusServer(['409', undefined as never, 'gone']);
    const { events, error } = await upload({});
    expect(error).toBeUndefined();
    expect(tus.log.filter((line) => line.startsWith('POST'))).toHaveLength(2);
    expect(
      events.filter((event) => event.type === 'offset').map((event) => (event as { reason: string }).reason),
    ).toContain('restarted');
    expect(tus.stored('u2')).toEqual(pattern(100_000));
  });

  it('pauses on unsubscribe and resumes on subscribe, finding the upload in the store', async () => {
    const tus = tusServer();
    const store = memoryStore();
    const body = new File([pattern(100_000) as Uint8Array<ArrayBuffer>], 'photo.jpg', {
      type: 'image/jpeg',
      lastModified: 1,
    });
    const options = { endpoint: `${API}/tus/`, body, chunkSize: 30_000, store, progressInterval: 0 as const };
    await new Promise<void>((resolve) => {
      const subscription = resumableUpload(options).subscribe((event) => {
        if (event.type === 'upload-progress' && event.loaded >= 60_000) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    const held = tus.uploads.get('u1')?.bytes.length as number;
    expect(held).toBeGreaterThanOrEqual(30_000);
    const { events, error } = await collectAny(resumableUpload(options) as never);
    expect(error).toBeUndefined();
    expect(tus.log.filter((line) => line.startsWith('POST'))).toHaveLength(1);
    expect((events as ResumableEvent[]).find((event) => event.type === 'offset')).toMatchObject({
      offset: held,
      reason: 'resumed',
    });
    expect(tus.stored('u1')).toEqual(pattern(100_000));
  });

  it('uploads a stream, holding only the chunk under way, with its length sent at the end', async () => {
    const tus = tusServer([undefined as never, 'drop-append']);
    const bytes = pattern(70_000);
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.byteLength) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + 7000));
        offset += 7000;
      },
    });
    const { error } = await upload({ body });
    expect(error).toBeUndefined();
    expect(tus.log[0]).toBe('POST deferred 1.0.0');
    expect(tus.stored()).toEqual(bytes);
    expect(tus.uploads.get('u1')?.length).toBe(70_000);
  });

  it('states Upload-Length on a PATCH only when the creation deferred it (a server with the length refuses it again)', async () => {
    tusServer();
    const lengths: (string | null)[] = [];
    server.use(
      http.patch(`${API}/tus/:id`, ({ request }) => {
        lengths.push(request.headers.get('upload-length'));
        return undefined;
      }),
    );
    expect((await upload({})).error).toBeUndefined();
    expect(lengths).toEqual([null, null, null, null]);
    lengths.length = 0;
    expect(
      (await upload({ body: new Blob([pattern(70_000) as Uint8Array<ArrayBuffer>]).stream() })).error,
    ).toBeUndefined();
    expect(lengths).toEqual([null, null, '70000']);
  });

  it('completes when the last answer states the digest of the whole upload, not of its own body', async () => {
    const tus = tusServer();
    const digest = createHash('sha256').update(pattern(100_000)).digest('base64');
    server.use(
      http.patch(`${API}/tus/:id`, async ({ request }) => {
        if (request.headers.get('upload-offset') !== '90000') return undefined;
        tus.uploads.get('u1')?.bytes.push(...new Uint8Array(await request.arrayBuffer()));
        const headers = { 'upload-offset': '100000', 'repr-digest': `sha-256=:${digest}:` };
        return new HttpResponse('stored', { status: 200, headers });
      }),
    );
    const { events, error } = await upload({});
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'complete', status: 200, uploaded: 100_000 });
    expect(tus.stored()).toEqual(pattern(100_000));
  });

  it('fails a stream whose server goes back further than the chunk it holds', async () => {
    const tus = tusServer();
    const bytes = pattern(70_000);
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
    server.use(
      http.patch(`${API}/tus/:id`, ({ request }) =>
        Number(request.headers.get('upload-offset')) >= 30_000
          ? new HttpResponse(null, { status: 204, headers: { 'upload-offset': '10' } })
          : undefined,
      ),
    );
    const { error } = await upload({ body });
    expect(error).toBeInstanceOf(ResumableUploadError);
    expect((error as Error).message).toMatch(/server holds 10 bytes, but a stream body keeps only bytes 30000/);
    expect(tus.log.length).toBeGreaterThan(0);
  });

  it('gives up with the last error after the limit, saying why', async () => {
    tusServer(['drop-append', 'drop-append', 'drop-append']);
    const { error, events } = await upload({ retry: { limit: 2, delay: 1 } });
    expect(error).toMatchObject({ name: 'NetworkError', notRetried: 'the retry limit (2) was reached' });
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(2);
  });

  it('does not retry a 413, and names the server’s limit', async () => {
    server.use(http.post(`${API}/tus/`, () => new HttpResponse('too big', { status: 413 })));
    const { error } = await upload({});
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(413);
  });

  it('ends with TransferAbortError when the signal aborts, and terminates the upload when asked', async () => {
    const tus = tusServer();
    let deleted = 0;
    server.use(
      http.delete(`${API}/tus/:id`, () => {
        deleted++;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const controller = new AbortController();
    const events: string[] = [];
    const error = await new Promise((resolve) => {
      resumableUpload({
        endpoint: `${API}/tus/`,
        body: new Blob([pattern(100_000) as Uint8Array<ArrayBuffer>]),
        chunkSize: 10_000,
        store: memoryStore(),
        signal: controller.signal,
        terminateOnCancel: true,
        progressInterval: 0,
      }).subscribe({
        next(event) {
          events.push(event.type);
          if (event.type === 'upload-progress' && event.loaded >= 20_000) controller.abort();
        },
        error: resolve,
      });
    });
    expect(error).toBeInstanceOf(TransferAbortError);
    await vi.waitFor(() => expect(deleted).toBe(1));
    expect(events).not.toContain('complete');
    expect(tus.log.filter((line) => line.startsWith('POST'))).toHaveLength(1);
  });

  it.each([
    [{ endpoint: 'ftp://x/' }, 'endpoint'],
    [{ body: 'text' }, 'body'],
    [{ chunkSize: 0 }, 'chunkSize'],
    [{ protocol: 'tus2' }, 'protocol'],
  ])('refuses %j before any traffic', async (bad, option) => {
    const tus = tusServer();
    const { error, events } = await upload(bad as never);
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option });
    expect(tus.log).toEqual([]);
  });
});
