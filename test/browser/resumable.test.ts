/**
 * Issue 13 in Chromium: resumable uploads against `@tus/server` (HTTP/1.1) and the project's IETF
 * draft -11 server (HTTP/1.1 and HTTP/2), started by global-setup.ts. Connections are cut or
 * stalled by TCP proxies the page asks test/support/proxy-control.ts for; a reload is a page of its
 * own (an iframe) removed mid-upload and opened again with the same file.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { HTTPError } from '../../lib/index.js';
import {
  fingerprintOf,
  indexedDbStore,
  memoryStore,
  type ResumableEvent,
  type ResumableUploadOptions,
  resumableUpload,
} from '../../lib/resumable/index.js';
import { pattern } from '../support/pattern.js';
import { progressSetbacks, randomOffsets } from '../support/resumable-checks.js';
import type { PageUpload } from './resumable-page.js';
import { engine, forgetOrigins } from './support.js';

const MiB = 1024 * 1024;
const control = inject('proxyControl');

interface Target {
  readonly name: string;
  readonly protocol: 'tus' | 'ietf';
  readonly origin: string;
  readonly endpoint: (origin: string, query?: string) => string;
}
const targets: Target[] = [
  {
    name: '@tus/server (HTTP/1.1)',
    protocol: 'tus',
    origin: new URL(inject('tus')).origin,
    endpoint: (o) => `${o}/files/`,
  },
  ...(
    [
      ['HTTP/1.1', inject('http1')],
      ['HTTP/2', inject('http2')],
    ] as const
  ).map(
    ([protocol, origin]): Target => ({
      name: `the IETF draft -11 server (${protocol})`,
      protocol: 'ietf',
      origin,
      endpoint: (o, query = '') => `${o}/resumable/${query}`,
    }),
  ),
];

/** A proxy in front of `target` that fails connections at `at` (bytes from the page, over all connections). */
async function proxy(target: string, at: number[], mode: 'cut' | 'stall' = 'cut'): Promise<string> {
  const response = await fetch(`${control}/proxies?target=${encodeURIComponent(target)}&at=${at}&mode=${mode}`, {
    method: 'POST',
  });
  return ((await response.json()) as { origin: string }).origin;
}

/** How many connections the proxy at `origin` has failed. */
async function faultsOf(origin: string): Promise<number> {
  return ((await (await fetch(`${control}/proxies/${new URL(origin).port}`)).json()) as { cuts: number }).cuts;
}

const sha256 = async (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))));
const run = (options: ResumableUploadOptions) =>
  new Promise<{ events: ResumableEvent[]; error: unknown }>((resolve) => {
    const events: ResumableEvent[] = [];
    resumableUpload({ progressInterval: 0, store: memoryStore(), ...options }).subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => resolve({ events, error }),
      complete: () => resolve({ events, error: undefined }),
    });
  });
const digestOf = (events: readonly ResumableEvent[]) => {
  const last = events.at(-1);
  return last?.type === 'complete' ? last.headers.get('repr-digest') : `not complete: ${last?.type}`;
};

afterEach(() => forgetOrigins());

describe.runIf(engine === 'chromium').each(targets)('resumable uploads in Chromium against $name', (target) => {
  it('stores a 256 MiB upload byte-identical after its connection is dropped at three random offsets, with one continuous progress', async () => {
    const size = 256 * MiB;
    const bytes = pattern(size);
    const cuts = randomOffsets(size, 3, 16 * MiB);
    const origin = await proxy(target.origin, cuts);
    const { events, error } = await run({
      endpoint: target.endpoint(origin),
      protocol: target.protocol,
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      retry: { limit: 5, delay: 20 },
    });
    expect(error, `cut at ${cuts}`).toBeUndefined();
    expect(digestOf(events)).toBe(`sha-256=:${await sha256(bytes)}:`);
    expect(await faultsOf(origin)).toBe(3);
    // Chromium sends a request again by itself when a connection it reused fails before any answer (the Blob can be
    // read again): such a cut never reaches the upload.
    expect(events.filter((event) => event.type === 'retry').length).toBeLessThanOrEqual(3);
    expect(progressSetbacks(events), `cut at ${cuts}`).toEqual([]);
    expect(events.filter((event) => event.type === 'upload-progress').at(-1)?.loaded).toBe(size);
  }, 180_000);

  it('pauses when unsubscribed and resumes from the server’s offset when subscribed again', async () => {
    const bytes = pattern(16 * MiB);
    const options: ResumableUploadOptions = {
      endpoint: target.endpoint(target.origin),
      protocol: target.protocol,
      body: new File([bytes as Uint8Array<ArrayBuffer>], 'clip.bin', { lastModified: 1 }),
      chunkSize: 2 * MiB,
      store: memoryStore(),
      progressInterval: 0,
    };
    await new Promise<void>((resolve) => {
      const subscription = resumableUpload(options).subscribe((event) => {
        if (event.type === 'upload-progress' && event.loaded >= 7 * MiB) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    const { events, error } = await run(options);
    expect(error).toBeUndefined();
    const resumed = events.find((event) => event.type === 'offset');
    expect(resumed).toMatchObject({ reason: 'resumed', previous: 0 });
    expect((resumed as { offset: number }).offset).toBeGreaterThanOrEqual(4 * MiB);
    expect(digestOf(events)).toBe(`sha-256=:${await sha256(bytes)}:`);
  });

  it('resumes after a reload from the URL kept in IndexedDB: a new page, the same file', async () => {
    const size = 24 * MiB;
    const upload: PageUpload = {
      endpoint: target.endpoint(target.origin),
      protocol: target.protocol,
      size,
      name: `reload-${crypto.randomUUID()}.bin`,
      lastModified: 1_700_000_000_000,
      database: 'rx-transfer-reload-test',
    };
    const first = await pageUntil(
      upload,
      (event) => event.type === 'upload-progress' && (event.loaded ?? 0) >= 8 * MiB,
    );
    expect(first.at(-1)?.type).toBe('upload-progress');
    const file = new File([pattern(size) as Uint8Array<ArrayBuffer>], upload.name, {
      lastModified: upload.lastModified,
    });
    const fingerprint = fingerprintOf(file, upload.endpoint, upload.protocol);
    const stored = await indexedDbStore(upload.database).get(fingerprint);
    expect(stored?.url).toMatch(/\/(files|resumable)\/\w/);
    const second = await pageUntil(upload, (event) => event.type === 'complete' || event.type === 'error');
    expect(second[0]).toMatchObject({ type: 'start', url: stored?.url });
    const resumed = second.find((event) => event.type === 'offset') as unknown as { offset: number; reason: string };
    expect(resumed.reason).toBe('resumed');
    expect(resumed.offset).toBeGreaterThanOrEqual(4 * MiB);
    expect(second.at(-1)).toMatchObject({
      type: 'complete',
      uploaded: size,
      digest: `sha-256=:${await sha256(pattern(size))}:`,
    });
    expect(second.at(-1)?.sentNow).toBeLessThanOrEqual(size - resumed.offset);
    expect(await indexedDbStore(upload.database).get(fingerprint)).toBeUndefined();
  }, 90_000);

  // Once left two unhandled rejections in the page (`TimeoutError: The upload limit of 1000 ms ran out`): the
  // append's body, errored with no read waiting on it, was cancelled by Chromium's abort, which left that cancel's
  // rejection unhandled. The body now ends in error at its next read (lib/bodies/counted-stream.ts).
  it('goes again after an append stalls, caught by the upload idle limit', async () => {
    const bytes = pattern(40 * MiB);
    const stallAt = MiB + 12_345;
    const origin = target.protocol === 'tus' ? await proxy(target.origin, [stallAt], 'stall') : target.origin;
    const { events, error } = await run({
      endpoint: target.endpoint(origin, `?stallAt=${stallAt}`),
      protocol: target.protocol,
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      chunkSize: 32 * MiB,
      timeout: { upload: 1000 },
      retry: { limit: 2, delay: 10 },
    });
    expect(error).toBeUndefined();
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries).toHaveLength(1);
    // The 1 s upload idle limit caught the stall (its error says which limit), not a wall-clock bound of the test's.
    expect(retries[0]).toMatchObject({ error: { name: 'TimeoutError', phase: 'upload', limit: 1000 } });
    expect(digestOf(events)).toBe(`sha-256=:${await sha256(bytes)}:`);
    expect(progressSetbacks(events)).toEqual([]);
  });

  it('deletes the upload on the server when cancelled with terminateOnCancel', async () => {
    const store = memoryStore();
    const endpoint = target.endpoint(target.origin);
    const body = new File([pattern(8 * MiB) as Uint8Array<ArrayBuffer>], 'a.bin', { lastModified: 2 });
    const fingerprint = fingerprintOf(body, endpoint, target.protocol);
    const url = await new Promise<string>((resolve) => {
      const subscription = resumableUpload({
        endpoint,
        protocol: target.protocol,
        body,
        chunkSize: MiB,
        store,
        terminateOnCancel: true,
        progressInterval: 0,
      }).subscribe((event) => {
        if (event.type === 'upload-progress' && event.loaded >= 3 * MiB && !subscription.closed) {
          void store.get(fingerprint).then((entry) => {
            subscription.unsubscribe();
            resolve(entry?.url ?? '');
          });
        }
      });
    });
    const headers: Record<string, string> =
      target.protocol === 'tus' ? { 'tus-resumable': '1.0.0' } : { 'upload-draft-interop-version': '8' };
    let status = 0;
    for (let tries = 0; tries < 100 && ![404, 410].includes(status); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await fetch(url, { method: 'HEAD', headers, cache: 'no-store' })).status;
    }
    expect([404, 410]).toContain(status);
  });
});

describe.runIf(engine === 'chromium').each(targets.slice(1))(
  'the IETF server’s own faults in Chromium, over $name',
  (target) => {
    it('follows a server that moved its offset back (409, then HEAD), progress going back only after an offset event', async () => {
      const bytes = pattern(16 * MiB);
      const { events, error } = await run({
        endpoint: target.endpoint(target.origin, `?rewindAt=${8 * MiB}&rewindTo=${3 * MiB + 7}`),
        protocol: 'ietf',
        body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
        chunkSize: 4 * MiB,
        retry: { limit: 2, delay: 10 },
      });
      expect(error).toBeUndefined();
      expect(events.find((event) => event.type === 'offset')).toMatchObject({
        offset: 3 * MiB + 7,
        reason: 'behind',
      });
      expect(progressSetbacks(events)).toEqual([]);
      expect(digestOf(events)).toBe(`sha-256=:${await sha256(bytes)}:`);
      const url = (events.at(-1) as { url: string }).url;
      const log = ((await (await fetch(url)).json()) as { log: string[] }).log;
      expect(log).toContain(`PATCH ${8 * MiB} 409`);
    });

    it('fails with the 413 of an upload over the server’s Upload-Limit max-size, without retrying', async () => {
      const { events, error } = await run({
        endpoint: target.endpoint(target.origin, `?maxSize=${MiB}`),
        protocol: 'ietf',
        body: new Blob([new Uint8Array(2 * MiB)]),
      });
      expect(error).toBeInstanceOf(HTTPError);
      expect((error as HTTPError).response.status).toBe(413);
      expect((error as HTTPError).response.headers.get('upload-limit')).toMatch(`max-size=${MiB}`);
      expect(events.filter((event) => event.type === 'retry')).toEqual([]);
    });
  },
);

type PageMessage = { type: string; loaded?: number; offset?: number; reason?: string; sentNow?: number; url?: string };

/** Opens resumable-page.ts in an iframe of its own, uploads `upload` there, and removes the page once `done` says so. */
async function pageUntil(upload: PageUpload, done: (message: PageMessage) => boolean): Promise<PageMessage[]> {
  const frame = document.createElement('iframe');
  frame.src = new URL('./resumable-page.html', import.meta.url).href;
  const messages: PageMessage[] = [];
  try {
    return await new Promise<PageMessage[]>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`the page stopped: ${JSON.stringify(messages.filter((m) => m.type !== 'upload-progress'))}`),
          ),
        60_000,
      );
      addEventListener('message', function listen({ data, source }: MessageEvent<PageMessage>) {
        if (source !== frame.contentWindow) return;
        messages.push(data);
        if (!done(data)) return;
        clearTimeout(timer);
        removeEventListener('message', listen);
        resolve(messages);
      });
      frame.addEventListener('load', () => frame.contentWindow?.postMessage(upload, '*'), { once: true });
      document.body.append(frame);
    });
  } finally {
    frame.remove();
  }
}
