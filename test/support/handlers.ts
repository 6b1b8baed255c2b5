import { gzipSync } from 'node:zlib';
import { delay, HttpResponse, http } from 'msw';
import { pattern } from './pattern.js';

export { pattern };

/** The origin every mocked endpoint lives on. */
export const API = 'http://api.test';

/** What the mocked server saw, reset before each test. */
export const seen = {
  requests: [] as { method: string; url: string; headers: Headers }[],
  /** Paths whose response body stream was cancelled by the client. */
  cancelled: [] as string[],
  /** Paths whose request signal fired: the client went away before the response was sent. */
  aborted: [] as string[],
  /** Request bodies the server received, by path. */
  bodies: new Map<string, Uint8Array>(),
  /** The Content-Length of each request to /length-required (which refuses the first with 411). */
  lengths: [] as (string | null)[],
  /** Responses of /paced whose body has neither ended nor been cancelled, and the most there were at once. */
  paced: { open: 0, most: 0 },
};

/**
 * One scripted answer of `/script/:key` (see {@link script}): a status and headers, then the body as
 * these chunks (strings are UTF-8), one per read, `gap` ms apart; then at its `end` the body closes (`'close'`),
 * the connection drops (`'drop'`), or it hangs until cancelled (`'hang'`).
 */
export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly chunks?: readonly (string | Uint8Array)[];
  readonly gap?: number;
  readonly end?: 'close' | 'drop' | 'hang';
}

const scripts = new Map<string, ScriptedAnswer[]>();

/** Gives `/script/:key` its answers, one per request in order (the last one repeats). */
export function script(key: string, answers: readonly ScriptedAnswer[]): string {
  scripts.set(key, [...answers]);
  return `${API}/script/${key}`;
}

/** The body of a scripted answer, which records its own cancellation under `path`. */
function scriptedBody(path: string, answer: ScriptedAnswer): ReadableStream<Uint8Array> {
  const chunks = (answer.chunks ?? []).map((chunk) =>
    typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk,
  );
  let index = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (index > 0 && answer.gap !== undefined) await delay(answer.gap);
        const chunk = chunks[index++];
        if (chunk !== undefined) return controller.enqueue(chunk);
        if (answer.end === 'drop') return controller.error(new Error('connection dropped'));
        if (answer.end === 'hang') return new Promise<void>(() => undefined);
        controller.close();
      },
      cancel() {
        seen.cancelled.push(path);
      },
    },
    { highWaterMark: 0 },
  );
}

export function resetSeen(): void {
  scripts.clear();
  seen.requests.length = 0;
  seen.cancelled.length = 0;
  seen.aborted.length = 0;
  seen.bodies.clear();
  seen.lengths.length = 0;
  seen.paced.open = 0;
  seen.paced.most = 0;
}

/** A body of `size` pattern bytes in chunks of `chunk`, which records its own cancellation. */
export function chunkedBody(path: string, size: number, chunk: number, stopAt = size): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= stopAt) return controller.close();
      const length = Math.min(chunk, stopAt - offset);
      controller.enqueue(pattern(length, offset));
      offset += length;
    },
    cancel() {
      seen.cancelled.push(path);
    },
  });
}

/** A body that sends `first` bytes, then waits until it is cancelled. */
function hangingBody(path: string, first: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (first > 0) controller.enqueue(pattern(first));
    },
    pull: () => new Promise<void>(() => undefined),
    cancel() {
      seen.cancelled.push(path);
    },
  });
}

/** `sent` bytes, then the connection drops (the stream errors on a later tick). */
function cutBody(sent: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(pattern(sent));
      setTimeout(() => controller.error(new Error('connection dropped')), 20);
    },
  });
}

/** `size` pattern bytes in chunks of `chunk`, each after `every` ms; counted in `seen.paced` while open. */
function pacedBody(size: number, chunk: number, every: number): ReadableStream<Uint8Array> {
  let offset = 0;
  let open = true;
  seen.paced.open++;
  seen.paced.most = Math.max(seen.paced.most, seen.paced.open);
  const close = () => {
    if (open) seen.paced.open--;
    open = false;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, every));
      const length = Math.min(chunk, size - offset);
      if (length > 0) controller.enqueue(pattern(length, offset));
      offset += length;
      if (offset < size) return;
      close();
      controller.close();
    },
    cancel() {
      close();
      seen.cancelled.push('/paced');
    },
  });
}

const intParam = (url: URL, name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);

export const handlers = [
  http.all(`${API}/*`, ({ request }) => {
    seen.requests.push({ method: request.method, url: request.url, headers: request.headers });
  }),
  http.get(`${API}/bytes`, ({ request }) => {
    const url = new URL(request.url);
    const size = intParam(url, 'size', 1000);
    const headers = new Headers({ 'content-type': 'application/octet-stream' });
    if (url.searchParams.get('length') !== 'none') headers.set('content-length', String(size));
    const hint = url.searchParams.get('hint');
    if (hint !== null) headers.set('x-decoded-length', hint);
    return new HttpResponse(chunkedBody('/bytes', size, intParam(url, 'chunk', 256)), { headers });
  }),
  http.get(`${API}/gzip`, ({ request }) => {
    const size = intParam(new URL(request.url), 'size', 10_000);
    const compressed = gzipSync(pattern(size));
    return new HttpResponse(compressed, {
      headers: {
        'content-encoding': 'gzip',
        'content-length': String(compressed.byteLength),
        'x-decoded-length': String(size),
      },
    });
  }),
  http.get(`${API}/paced`, ({ request }) => {
    const url = new URL(request.url);
    const size = intParam(url, 'size', 4096);
    const headers = new Headers({ 'content-type': 'application/octet-stream' });
    if (url.searchParams.get('length') !== 'none') headers.set('content-length', String(size));
    const body = pacedBody(size, intParam(url, 'chunk', 1024), intParam(url, 'every', 5));
    return new HttpResponse(body, { headers });
  }),
  http.head(`${API}/bytes`, () => new HttpResponse(null, { headers: { 'content-length': '5000' } })),
  http.get(`${API}/json`, () => HttpResponse.json({ id: 7, name: 'seven' })),
  http.get(`${API}/text`, () => HttpResponse.text('héllo wörld')),
  http.get(`${API}/not-json`, () => new HttpResponse('{"id": 7,', { headers: { 'content-type': 'application/json' } })),
  http.get(`${API}/empty`, () => new HttpResponse(null, { status: 204 })),
  http.get(`${API}/status/:code`, ({ params }) => {
    const status = Number(params.code);
    return HttpResponse.text(`failure body for ${status}`, { status, headers: { 'retry-after': '3' } });
  }),
  http.get(`${API}/huge-error`, () => new HttpResponse(chunkedBody('/huge-error', 1_000_000, 4096), { status: 500 })),
  http.get(`${API}/network-error`, () => HttpResponse.error()),
  http.get(`${API}/truncated`, () => new HttpResponse(cutBody(500), { headers: { 'content-length': '1000' } })),
  http.get(`${API}/hang-body`, () => new HttpResponse(hangingBody('/hang-body', 100))),
  http.get(`${API}/hang-error`, () => new HttpResponse(hangingBody('/hang-error', 100), { status: 500 })),
  http.get(`${API}/slow-headers`, async ({ request }) => {
    request.signal.addEventListener('abort', () => seen.aborted.push('/slow-headers'));
    await delay('infinite');
    return HttpResponse.text('never');
  }),
  http.all(`${API}/echo`, async ({ request }) => {
    const received = await request.arrayBuffer().catch(() => undefined);
    if (received === undefined) return HttpResponse.error(); // the client went away mid-upload
    const body = new Uint8Array(received);
    seen.bodies.set('/echo', body);
    return HttpResponse.json({
      method: request.method,
      size: body.byteLength,
      contentType: request.headers.get('content-type'),
      text: new TextDecoder().decode(body.subarray(0, 2000)),
    });
  }),
  http.all(`${API}/redirect/:code`, ({ params }) => {
    const status = Number(params.code);
    return new HttpResponse(null, { status, headers: { location: `${API}/echo` } });
  }),
  http.post(`${API}/answer-early/:code`, ({ params }) =>
    HttpResponse.text('answered early', { status: Number(params.code) }),
  ),
  http.post(`${API}/length-required`, async ({ request }) => {
    seen.lengths.push(request.headers.get('content-length'));
    if (seen.lengths.length === 1) return HttpResponse.text('length required', { status: 411 });
    return HttpResponse.json({ size: (await request.arrayBuffer()).byteLength });
  }),
  http.post(`${API}/upload-hang`, async ({ request }) => {
    await request.arrayBuffer().catch(() => undefined);
    await delay('infinite');
    return HttpResponse.text('never');
  }),
  http.get(`${API}/headers`, ({ request }) => HttpResponse.json(Object.fromEntries(request.headers.entries()))),
  http.all(`${API}/script/:key`, ({ params }) => {
    const key = String(params.key);
    const answers = scripts.get(key) ?? [];
    const answer = (answers.length > 1 ? answers.shift() : answers[0]) ?? { status: 404 };
    const body = answer.status === 204 ? null : scriptedBody(`/script/${key}`, answer);
    // Chunked, so that a dropped connection is seen as one (a body delimited by the close would look whole).
    const headers = { 'transfer-encoding': 'chunked', ...answer.headers };
    return new HttpResponse(body, { status: answer.status ?? 200, headers: body === null ? {} : headers });
  }),
];
