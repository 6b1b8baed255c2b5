import { delay, HttpResponse, http } from 'msw';
import { setupWorker } from 'msw/browser';

/** Pattern bytes `offset % 251…`, like the real server's. */
function patternChunk(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (offset + i) % 251;
  return bytes;
}

/** Where a pattern body starts and ends, how fast it goes, and how it fails. */
interface BodyPlan {
  from: number;
  /** Where the body fails (dropped), or stalls with `stall`; the body's end when it does neither. */
  stopAt: number;
  size: number;
  rate: number;
  stall: boolean;
  /** A byte served with its lowest bit flipped. */
  corrupt?: number;
  /** How long a dropped body waits after its last byte before it fails. */
  lingerMs?: number;
}

/** Pattern bytes from `plan.from`, paced, dropped or stalled as the real server's. */
function patternBody(plan: BodyPlan): ReadableStream<Uint8Array> {
  const { stopAt, size, rate } = plan;
  const chunk = rate > 0 ? Math.max(1024, Math.min(65_536, Math.floor(rate / 10))) : 65_536;
  let offset = plan.from;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= stopAt) {
        if (plan.stall) return new Promise<void>(() => undefined);
        if (stopAt >= size) return controller.close();
        await delay(plan.lingerMs ?? 0);
        return controller.error(new Error('connection dropped'));
      }
      const length = Math.min(chunk, stopAt - offset);
      if (rate > 0) await delay((length / rate) * 1000);
      const bytes = patternChunk(offset, length);
      const flip = (plan.corrupt ?? -1) - offset;
      if (flip >= 0 && flip < length) bytes[flip] = (bytes[flip] as number) ^ 1;
      controller.enqueue(bytes);
      offset += length;
    },
  });
}

/** The download source of the real server, in the service worker: size, rate, and the failure modes. */
function downloadBody(url: URL): ReadableStream<Uint8Array> {
  const size = Number(url.searchParams.get('size') ?? 1_000_000);
  const stopAt = Number(
    url.searchParams.get('dropAt') ?? url.searchParams.get('cutAt') ?? url.searchParams.get('stallAt') ?? size,
  );
  const rate = Number(url.searchParams.get('rate') ?? 0);
  return patternBody({ from: 0, stopAt, size, rate, stall: url.searchParams.has('stallAt') });
}

const digests = new Map<number, Promise<string>>();

/** The sha-256 of `size` pattern bytes, base64, as Repr-Digest carries it. */
function sha256Of(size: number): Promise<string> {
  let digest = digests.get(size);
  if (digest === undefined) {
    digest = crypto.subtle
      .digest('SHA-256', patternChunk(0, size) as Uint8Array<ArrayBuffer>)
      .then((hash) => btoa(String.fromCharCode(...new Uint8Array(hash))));
    digests.set(size, digest);
  }
  return digest;
}

const requestsOfId = new Map<string, number>();

/**
 * The real server's `/file` as far as the demo uses it: Range (`bytes=N-`) under If-Range with a strong ETag,
 * Repr-Digest sha-256, `cutAt` (request k of an `id` dropped at the k-th offset, after `lingerMs`) and `corrupt`.
 * No gzip, faults or other validators.
 */
async function serveFile(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const query = (name: string) => url.searchParams.get(name);
  const size = Number(query('size') ?? 1_000_000);
  const id = query('id') ?? '';
  const nth = (requestsOfId.get(id) ?? 0) + 1;
  requestsOfId.set(id, nth);
  const etag = `"f${size}-1"`;
  const asked = /^bytes=(\d+)-$/.exec(request.headers.get('range') ?? '')?.[1];
  const ifRange = request.headers.get('if-range');
  const from = asked !== undefined && (ifRange === null || ifRange === etag) ? Number(asked) : 0;
  if (from >= size && from > 0) {
    return new HttpResponse(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
  }
  const headers = new Headers({
    'accept-ranges': 'bytes',
    etag,
    'content-type': 'application/octet-stream',
    'content-length': String(size - from),
    'repr-digest': `sha-256=:${await sha256Of(size)}:`,
  });
  if (from > 0) headers.set('content-range', `bytes ${from}-${size - 1}/${size}`);
  const cut = Number(query('cutAt')?.split(',')[nth - 1] ?? size);
  const corrupt = query('corrupt') === null ? undefined : Number(query('corrupt'));
  const lingerMs = Number(query('lingerMs') ?? 0);
  const plan = { from, stopAt: Math.min(cut, size), size, rate: Number(query('rate') ?? 0), stall: false, lingerMs };
  const body = patternBody(corrupt === undefined ? plan : { ...plan, corrupt });
  return new HttpResponse(body, { status: from > 0 ? 206 : 200, headers });
}

const STORY =
  'Once upon a time a small packet left a server in the night. It crossed routers and queues, lost its way at a busy proxy, and came back by another road.'.split(
    ' ',
  );
/** The ids of message streams already dropped once: a reconnect is served to the end. */
const dropped = new Set<string>();

/** The real server's `/messages` in the service worker: the SSE story (resumed after Last-Event-ID) or NDJSON lines. */
function messagesBody(url: URL, lastEventId: number): ReadableStream<Uint8Array> {
  const story = url.searchParams.get('format') === 'sse';
  const count = story ? STORY.length : Number(url.searchParams.get('count') ?? 10);
  const id = url.searchParams.get('id') ?? '';
  const dropAt = url.searchParams.has('dropAt') && !dropped.has(id) ? Number(url.searchParams.get('dropAt')) : -1;
  const every = Number(url.searchParams.get('every') ?? 0);
  let n = story ? lastEventId + 1 : 1;
  let sent = 0;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      if (story) controller.enqueue(encoder.encode(`retry: ${url.searchParams.get('retry') ?? 1000}\n\n`));
    },
    async pull(controller) {
      if (sent === dropAt) {
        dropped.add(id);
        return controller.error(new Error('connection dropped'));
      }
      if (n > count) return controller.close();
      if (sent > 0) await delay(every);
      const text = story ? `id: ${n}\ndata: ${STORY[n - 1]} \n\n` : `${JSON.stringify({ n, text: `message ${n}` })}\n`;
      controller.enqueue(encoder.encode(text));
      n++;
      sent++;
    },
  });
}

const handlers = [
  http.get(/\/api\/messages$/, ({ request }) => {
    const url = new URL(request.url);
    const lastEventId = Number(request.headers.get('last-event-id') ?? 0);
    const type = url.searchParams.get('format') === 'sse' ? 'text/event-stream' : 'application/x-ndjson';
    return new HttpResponse(messagesBody(url, lastEventId), { headers: { 'content-type': type } });
  }),
  http.get(/\/api\/download$/, ({ request }) => {
    const url = new URL(request.url);
    const size = url.searchParams.get('size') ?? '1000000';
    const headers = new Headers({ 'content-type': 'application/octet-stream' });
    let body = downloadBody(url);
    if (url.searchParams.get('gzip') === '1') {
      body = body.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
      headers.set('content-encoding', 'gzip');
    } else if (url.searchParams.get('length') !== 'none') {
      headers.set('content-length', size);
    }
    return new HttpResponse(body, { headers });
  }),
  http.get(/\/api\/file$/, ({ request }) => serveFile(request)),
  http.post(/\/api\/upload$/, async ({ request }) => {
    const bytes = (await request.arrayBuffer()).byteLength;
    return HttpResponse.json({ bytes, protocol: 'service worker' });
  }),
  http.all(/\/api\/status\/(\d{3})$/, ({ request }) => {
    const url = new URL(request.url);
    const status = Number(url.pathname.split('/').at(-1));
    return HttpResponse.text(url.searchParams.get('body') ?? `status ${status} body`, { status });
  }),
];

/** Starts MSW's service worker so that the static build works with no server at all. */
export async function startMockWorker(): Promise<void> {
  await setupWorker(...handlers).start({
    serviceWorker: { url: './mockServiceWorker.js' },
    onUnhandledFrame: 'bypass',
    quiet: true,
  });
}
