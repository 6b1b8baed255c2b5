import { type AddressInfo, createServer } from 'node:net';
import { delay, HttpResponse, http, passthrough } from 'msw';
import { lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HTTPError,
  InvalidTransferOptionError,
  NetworkError,
  type RetryEvent,
  TimeoutError,
  TransferAbortError,
  type TransferOptions,
  TruncatedBodyError,
  transfer,
  transferResult,
  transferStages,
} from '../lib/index.js';
import { collect, progressOf, sequence } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

const server = useMockServer();

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Lets MSW and fetch run (they use no faked timer) until `done` holds. */
async function until(done: () => boolean) {
  for (let turn = 0; !done() && turn < 1000; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** A port on 127.0.0.1 that nothing listens on: one just listened on and closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const listener = createServer().listen(0, '127.0.0.1', () => {
      const { port } = listener.address() as AddressInfo;
      listener.close(() => resolve(port));
    });
  });
}

type Answer = (request: Request) => Response | Promise<Response>;

/**
 * Serves `answers` in turn at `${API}/flaky` (the last one again for any later request) and
 * records what each request carried.
 */
function flaky(...answers: Answer[]) {
  const requests: { method: string; body: Uint8Array | undefined; headers: Headers }[] = [];
  server.use(
    http.all(`${API}/flaky`, async ({ request }) => {
      const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
      requests.push({ method: request.method, body, headers: request.headers });
      const answer = answers[Math.min(requests.length, answers.length) - 1] as Answer;
      return answer(request);
    }),
  );
  return requests;
}

const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  () =>
    HttpResponse.text(`status ${code}`, { status: code, headers });
const ok: Answer = () => HttpResponse.json({ ok: true });
const dropped: Answer = () => HttpResponse.error();
/** 500 of 1000 bytes, then the connection drops. */
const cut: Answer = () =>
  new HttpResponse(
    new ReadableStream({
      start(controller) {
        controller.enqueue(pattern(500));
        setTimeout(() => controller.error(new Error('connection dropped')), 10);
      },
    }),
    { headers: { 'content-length': '1000' } },
  );

const run = (options: Omit<TransferOptions, 'url'>) =>
  collect(transfer({ url: `${API}/flaky`, progressInterval: 0, ...options } as TransferOptions));
const retries = (events: readonly { type: string }[]) =>
  events.filter((event) => event.type === 'retry') as RetryEvent[];
const attempts = (events: readonly { type: string; attempt?: number }[]) =>
  events.filter((event) => event.type === 'start').map((event) => event.attempt);

describe('retries: which failures go again', () => {
  it('retries a 503 with backoff and completes, each attempt in the events', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const requests = flaky(status(503), status(503), ok);
    const { events, error, completed } = await run({ retry: { delay: 40 } });
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    expect(sequence(events)).toEqual([
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'complete',
    ]);
    expect(attempts(events)).toEqual([1, 2, 3]);
    const [first, second] = retries(events);
    // Full jitter: random × min(maxDelay, delay × 2^(retry − 1)).
    expect(first).toMatchObject({ attempt: 2, delay: 20, delaySource: 'backoff', offline: false });
    expect(second).toMatchObject({ attempt: 3, delay: 40, delaySource: 'backoff' });
    expect(first?.error).toBeInstanceOf(HTTPError);
    expect((first as RetryEvent).error).toMatchObject({ response: { status: 503 } });
    expect(requests).toHaveLength(3);
  });

  it('gives up after the limit with the last error, saying why it stopped', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const requests = flaky(status(500));
    const { events, error } = await run({ retry: 2 });
    expect(sequence(events)).toEqual(['start', 'headers', 'retry', 'start', 'headers', 'retry', 'start', 'headers']);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ notRetried: 'the retry limit (2) was reached' });
    expect(requests).toHaveLength(3);
  });

  it('caps the backoff at maxDelay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    flaky(status(502), status(502), status(502), ok);
    const { events } = await run({ retry: { limit: 3, delay: 20, maxDelay: 50 } });
    expect(retries(events).map((event) => event.delay)).toEqual([20, 40, 50]);
  });

  it.each([404, 400, 501])('does not retry a %i', async (code) => {
    const requests = flaky(status(code), ok);
    const { events, error } = await run({});
    expect(sequence(events)).toEqual(['start', 'headers']);
    expect(error).toMatchObject({ notRetried: `status ${code} is not in \`retry.statusCodes\`` });
    expect(requests).toHaveLength(1);
  });

  it('retries a network error and a body cut short, counting each attempt from 0', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    flaky(dropped, cut, () => new HttpResponse(pattern(1000), { headers: { 'content-length': '1000' } }));
    const { events, error } = await run({ responseType: 'arrayBuffer' });
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual([
      'start',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'retry',
      'start',
      'headers',
      'download-progress+',
      'complete',
    ]);
    const [network, truncated] = retries(events);
    expect(network?.error).toBeInstanceOf(NetworkError);
    expect(truncated?.error).toBeInstanceOf(TruncatedBodyError);
    const loaded = progressOf(events, 'download-progress').map((event) => event.loaded);
    expect(loaded).toEqual([500, 1000]);
  });

  it('does not retry what is not a network failure (a body that is not JSON)', async () => {
    const requests = flaky(() => new HttpResponse('{"half', { headers: { 'content-type': 'application/json' } }));
    const { error } = await run({});
    expect(error).toMatchObject({ name: 'ResponseParseError' });
    expect((error as { notRetried: string }).notRetried).toMatch(/ResponseParseError is not retried/);
    expect(requests).toHaveLength(1);
  });

  it('turns retries off with false or 0', async () => {
    for (const retry of [false, 0] as const) {
      const requests = flaky(status(503), ok);
      const { events, error } = await run({ retry });
      expect(sequence(events)).toEqual(['start', 'headers']);
      expect(error).toBeInstanceOf(HTTPError);
      expect(error).not.toHaveProperty('notRetried');
      expect(requests).toHaveLength(1);
    }
  });
});

describe('retries: what the server asks for', () => {
  it('waits the seconds of Retry-After, without jitter', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const requests = flaky(status(503, { 'retry-after': '2' }), ok);
    const outcome = run({});
    await until(() => requests.length === 1);
    await vi.advanceTimersByTimeAsync(1990);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    const { events, error } = await outcome;
    expect(error).toBeUndefined();
    expect(retries(events)[0]).toMatchObject({ delay: 2000, delaySource: 'retry-after' });
    expect(requests).toHaveLength(2);
  });

  it('waits until the HTTP date of Retry-After on a 429', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00.000Z'));
    const requests = flaky(status(429, { 'retry-after': 'Wed, 02 Dec 2026 10:00:03 GMT' }), ok);
    const outcome = run({});
    await until(() => requests.length === 1);
    await vi.advanceTimersByTimeAsync(2990);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    const { events, error } = await outcome;
    expect(error).toBeUndefined();
    expect(retries(events)[0]).toMatchObject({ delay: 3000, delaySource: 'retry-after' });
  });

  it('reads the rate-limit headers ky reads when there is no Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00.000Z'));
    const resetAt = String(Date.parse('2026-12-02T10:00:01.000Z') / 1000);
    const requests = flaky(status(429, { 'x-ratelimit-reset': resetAt }), status(429, { 'ratelimit-reset': '1' }), ok);
    const outcome = run({});
    await until(() => requests.length === 1);
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => requests.length === 2);
    await vi.advanceTimersByTimeAsync(1000);
    const { events, error } = await outcome;
    expect(error).toBeUndefined();
    expect(retries(events).map((event) => [event.delay, event.delaySource])).toEqual([
      [1000, 'retry-after'],
      [1000, 'retry-after'],
    ]);
  });

  it('cuts a longer wait to maxRetryAfter', async () => {
    const requests = flaky(status(503, { 'retry-after': '3600' }), ok);
    const { events, error } = await run({ retry: { maxRetryAfter: 30 } });
    expect(error).toBeUndefined();
    expect(retries(events)[0]).toMatchObject({ delay: 30, delaySource: 'retry-after' });
    expect(requests).toHaveLength(2);
  });

  it.each([413, 429])('does not retry a %i that does not say when', async (code) => {
    const requests = flaky(status(code), ok);
    const { error } = await run({});
    expect(error).toMatchObject({ notRetried: `a ${code} without Retry-After is not retried` });
    expect(requests).toHaveLength(1);
  });

  it('takes a malformed Retry-After as none: backoff for a 503', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    flaky(status(503, { 'retry-after': 'soon' }), ok);
    const { events } = await run({});
    expect(retries(events)[0]).toMatchObject({ delay: 0, delaySource: 'backoff' });
  });
});

describe('retries: nothing a server may have seen goes twice unless the policy says so', () => {
  it('does not retry a POST the server answered, and says why', async () => {
    const requests = flaky(status(503), ok);
    const { events, error } = await run({ method: 'POST', body: 'order #1' });
    expect(sequence(events)).toEqual(['start', 'upload-progress+', 'sent', 'headers']);
    expect((error as { notRetried: string }).notRetried).toBe(
      'POST is not retried once a server may have seen it: list it in `retry.methods`',
    );
    expect(requests).toHaveLength(1);
  });

  it('does not retry a POST whose connection dropped (a browser cannot tell whether it arrived)', async () => {
    const requests = flaky(dropped, ok);
    const { error } = await run({ method: 'POST', body: 'order #1' });
    expect(error).toBeInstanceOf(NetworkError);
    expect(requests).toHaveLength(1);
  });

  it('retries a POST when the caller lists it, or when shouldRetry says yes', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const listed = flaky(status(503), ok);
    expect((await run({ method: 'POST', body: 'a', retry: { methods: ['post'] } })).error).toBeUndefined();
    expect(listed.map((request) => new TextDecoder().decode(request.body))).toEqual(['a', 'a']);
    const asked = flaky(status(503), ok);
    const shouldRetry = vi.fn(() => true);
    expect((await run({ method: 'POST', body: 'b', retry: { shouldRetry } })).error).toBeUndefined();
    expect(shouldRetry).toHaveBeenCalledWith(expect.any(HTTPError), 1);
    expect(asked).toHaveLength(2);
  });

  it('lets shouldRetry refuse what the rules would retry, and leaves it to them on undefined', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const refused = flaky(status(503), ok);
    const { error } = await run({ retry: { shouldRetry: async () => false } });
    expect(error).toMatchObject({ notRetried: '`retry.shouldRetry` said no' });
    expect(refused).toHaveLength(1);
    const left = flaky(status(503), ok);
    expect((await run({ retry: { shouldRetry: () => undefined } })).error).toBeUndefined();
    expect(left).toHaveLength(2);
  });

  it('retries a POST that never reached a server (connection refused, as Node reports it)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const port = await closedPort();
    server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()));
    const { events, error } = await collect(
      transfer({ url: `http://127.0.0.1:${port}/refused`, method: 'POST', body: 'x', retry: 1 }),
    );
    // A body this small goes whole by fetch: its progress is reported only once a response begins.
    expect(sequence(events)).toEqual(['start', 'retry', 'start']);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ notRetried: 'the retry limit (1) was reached' });
  });
});

describe('retries: bodies are read again from their source, never held', () => {
  it('sends a Blob again whole, its upload progress counted from 0 in each attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const bytes = pattern(300_000);
    const requests = flaky(status(500), ok);
    const { events, error } = await run({
      method: 'PUT',
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      uploadChunkSize: 65_536,
    });
    expect(error).toBeUndefined();
    expect(requests.map((request) => request.body)).toEqual([bytes, bytes]);
    const starts = events.flatMap((event, index) => (event.type === 'start' ? [index] : []));
    const firstUpload = progressOf(events.slice(0, starts[1]), 'upload-progress').map((event) => event.loaded);
    const secondUpload = progressOf(events.slice(starts[1]), 'upload-progress').map((event) => event.loaded);
    expect(firstUpload.at(-1)).toBe(300_000);
    expect(secondUpload[0]).toBeLessThan(300_000);
    expect(secondUpload.at(-1)).toBe(300_000);
  });

  it('does not retry a ReadableStream body, and says how to make it retryable', async () => {
    const requests = flaky(status(503), ok);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(pattern(10));
        controller.close();
      },
    });
    const { error } = await run({ method: 'PUT', body });
    expect(error).toMatchObject({
      notRetried: 'a ReadableStream body is sent once: give `body: () => stream` to retry it',
    });
    expect(requests).toHaveLength(1);
  });

  it('calls a body function once per attempt for a fresh stream', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const requests = flaky(status(503), ok);
    const body = vi.fn(
      () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(pattern(10));
            controller.close();
          },
        }),
    );
    const { error } = await run({ method: 'PUT', body });
    expect(error).toBeUndefined();
    expect(body).toHaveBeenCalledTimes(2);
    expect(requests.map((request) => request.body)).toEqual([pattern(10), pattern(10)]);
  });

  it('refuses a body function that does not return an unlocked stream, before any traffic', async () => {
    const requests = flaky(ok);
    const { events, error } = await run({
      method: 'PUT',
      body: (() => 'text') as unknown as () => ReadableStream<Uint8Array>,
    });
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect((error as Error).message).toMatch(/body function to return an unlocked ReadableStream, got string/);
    expect(requests).toHaveLength(0);
  });

  it('retries a download into a sink that nothing was written to, and aborts the sink when it gives up', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    flaky(status(503), () => new HttpResponse(pattern(100)));
    const written: Uint8Array[] = [];
    const sink = new WritableStream<Uint8Array>({ write: (chunk) => void written.push(chunk) });
    expect((await run({ sink })).error).toBeUndefined();
    expect(written).toEqual([pattern(100)]);

    flaky(status(503));
    const aborted = vi.fn();
    const failing = new WritableStream<Uint8Array>({ abort: aborted });
    const { error } = await run({ sink: failing, retry: 1 });
    expect(error).toBeInstanceOf(HTTPError);
    expect(aborted).toHaveBeenCalledWith(error);
  });

  it('does not retry a download that already wrote into its sink', async () => {
    const requests = flaky(cut, ok);
    const sink = new WritableStream<Uint8Array>();
    const { error } = await run({ sink });
    expect(error).toBeInstanceOf(TruncatedBodyError);
    expect(error).toMatchObject({
      notRetried:
        'the sink holds part of the body, which cannot be resumed (no strong validator or Accept-Ranges) nor truncated',
    });
    expect(requests).toHaveLength(1);
  });
});

describe('retries: limits and cancellation', () => {
  it('retries a phase limit that ran out, each attempt with the limit anew', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const requests = flaky(async () => {
      await delay('infinite');
      return HttpResponse.text('never');
    }, ok);
    const { events, error } = await run({ timeout: { headers: 200 } });
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual(['start', 'retry', 'start', 'headers', 'download-progress+', 'complete']);
    expect(retries(events)[0]?.error).toMatchObject({ name: 'TimeoutError', phase: 'headers', limit: 200 });
    expect(requests).toHaveLength(2);
  });

  it('keeps the total limit running after a phase limit ran out and was retried', async () => {
    const requests = flaky(async () => {
      await delay('infinite');
      return HttpResponse.text('never');
    });
    const startedAt = performance.now();
    const { events, error } = await run({ timeout: { headers: 100, total: 250 }, retry: { delay: 0 } });
    const elapsed = performance.now() - startedAt;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'total', limit: 250 });
    expect(sequence(events)).toEqual(['start', 'retry', 'start', 'retry', 'start']);
    expect(elapsed).toBeLessThan(250 + 100);
    expect(requests).toHaveLength(3);
  });

  it('does not begin a wait that would pass the total limit', async () => {
    const requests = flaky(status(503, { 'retry-after': '5' }), ok);
    const { error } = await run({ timeout: { total: 1000 } });
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as { notRetried: string }).notRetried).toMatch(/^the wait of 5000 ms would pass the `total` limit/);
    expect(requests).toHaveLength(1);
  });

  it('ends with the total limit when it runs out during the wait, and sends nothing more', async () => {
    const slow: Answer = async () => {
      await delay(2000);
      return HttpResponse.json({ late: true });
    };
    const requests = flaky(status(503, { 'retry-after': '1' }), slow);
    const { events, error } = await run({ timeout: { total: 1300 } });
    // The wait fits (1000 ms of the ~1300 left); the next attempt then meets the limit.
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'total' });
    expect(sequence(events)).toEqual(['start', 'headers', 'retry', 'start']);
    expect(requests).toHaveLength(2);
  });

  it('ends at once when unsubscribed during a retry delay; no request follows', async () => {
    const requests = flaky(status(503, { 'retry-after': '1' }), ok);
    const events: string[] = [];
    const subscription = transfer({ url: `${API}/flaky` }).subscribe((event) => events.push(event.type));
    await vi.waitFor(() => expect(events).toContain('retry'));
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(requests).toHaveLength(1);
    expect(events).toEqual(['start', 'headers', 'retry']);
  });

  it('ends with TransferAbortError when the signal aborts during a retry delay; no request follows', async () => {
    const requests = flaky(status(503, { 'retry-after': '1' }), ok);
    const controller = new AbortController();
    const events: string[] = [];
    const outcome = collect(transfer({ url: `${API}/flaky`, signal: controller.signal }));
    const done = outcome.then((result) => result);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('user left'));
    const { error, events: seenEvents } = await done;
    events.push(...seenEvents.map((event) => event.type));
    expect(error).toBeInstanceOf(TransferAbortError);
    expect(events).toEqual(['start', 'headers', 'retry']);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(requests).toHaveLength(1);
  });

  it('ends with TransferAbortError, not the timeout before it, when the signal aborts during the delay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const requests = flaky(async () => {
      await delay('infinite');
      return HttpResponse.text('never');
    }, ok);
    const controller = new AbortController();
    const outcome = collect(
      transfer({ url: `${API}/flaky`, signal: controller.signal, timeout: { headers: 100 }, retry: { delay: 5000 } }),
    );
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    const { events, error } = await outcome;
    expect(sequence(events)).toEqual(['start', 'retry']);
    expect(error).toBeInstanceOf(TransferAbortError);
    expect(requests).toHaveLength(1);
  });
});

describe('retries in the other forms', () => {
  it('gives transferStages a retry$ stage and transferResult the body of the attempt that completed', async () => {
    const requests = flaky(status(503, { 'retry-after': '0' }), ok);
    const stages = transferStages({ url: `${API}/flaky` });
    const seenRetries: RetryEvent[] = [];
    stages.retry$.subscribe((event) => seenRetries.push(event));
    expect(await lastValueFrom(stages.result$)).toEqual({ ok: true });
    expect(seenRetries.map((event) => [event.attempt, event.delay, event.delaySource])).toEqual([
      [2, 0, 'retry-after'],
    ]);
    flaky(status(503, { 'retry-after': '0' }), ok);
    expect(await lastValueFrom(transferResult({ url: `${API}/flaky` }))).toEqual({ ok: true });
    expect(requests).toHaveLength(2);
  });
});

describe('retries: what the caller gets when it leaves during a wait', () => {
  it('ends with TransferAbortError, not the phase limit already retried, when the signal aborts after a timeout', async () => {
    const requests = flaky(async () => {
      await delay('infinite');
      return HttpResponse.text('never');
    }, ok);
    const controller = new AbortController();
    const types: string[] = [];
    const error = await new Promise((resolve) => {
      transfer({
        url: `${API}/flaky`,
        signal: controller.signal,
        timeout: { headers: 50 },
        retry: { delay: 1000 },
      }).subscribe({
        next: (event) => {
          types.push(event.type);
          if (event.type === 'retry') controller.abort(new Error('user left'));
        },
        error: resolve,
        complete: () => resolve(undefined),
      });
    });
    expect(types).toEqual(['start', 'retry']);
    expect(error).toBeInstanceOf(TransferAbortError);
    expect((error as TransferAbortError).cause).toEqual(new Error('user left'));
    expect(requests).toHaveLength(1);
  });
});

describe('the retry option is checked before any traffic', () => {
  it.each([
    [-1, 'a retry limit >= 0'],
    [1.5, 'a retry limit >= 0'],
    [{ limit: -1 }, 'a retry limit >= 0'],
    [{ methods: ['GET ME'] }, 'methods'],
    [{ statusCodes: [999] }, 'statusCodes'],
    [{ delay: -5 }, 'waits 0 to 2^31-1 ms'],
    [{ shouldRetry: 'yes' }, 'shouldRetry'],
    [{ retries: 3 }, 'limit'],
    [{ toString: 1 }, 'limit'],
  ])('refuses retry: %j', async (retry, mentioned) => {
    const requests = flaky(ok);
    const { events, error } = await run({ retry } as never);
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect((error as Error).message).toContain('retry');
    expect((error as Error).message).toContain(mentioned);
    expect(requests).toHaveLength(0);
  });
});
