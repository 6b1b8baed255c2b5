import { describe, expect, it } from 'vitest';
import {
  InvalidTransferOptionError,
  isTransferError,
  type StartEvent,
  TimeoutError,
  type TransferOptions,
  transfer,
} from '../lib/index.js';
import { collect, lastOf, sequence } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

const LIMIT = 300;
/** The acceptance's bound: the limit, 10%, and 100 ms. */
const WITHIN = LIMIT * 1.1 + 100;

/** Runs `options` to its end and times it. */
async function timed(options: TransferOptions) {
  const startedAt = performance.now();
  const outcome = await collect(transfer(options));
  return { ...outcome, elapsed: performance.now() - startedAt };
}

/** A body that yields one 16 KiB chunk, then waits until it is cancelled (which it records). */
function stallingBody() {
  const state = { cancelled: false };
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return new Promise<void>(() => undefined);
      sent = true;
      controller.enqueue(pattern(16 * 1024));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

// A download that stalls is timed against the real server (timeout-real-server.test.ts): MSW's mocked
// socket completes an aborted response afterwards, and undici asserts on it (`assert(!this.aborted)`).
describe('the timeout limits', () => {
  it('end headers that never come with a TimeoutError of phase headers, and the server sees the abort', async () => {
    const { events, error, elapsed } = await timed({
      url: `${API}/slow-headers`,
      timeout: { headers: LIMIT },
      retry: false,
    });
    expect(sequence(events)).toEqual(['start']);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTransferError(error, 'TimeoutError')).toBe(true);
    expect(error).toMatchObject({ phase: 'headers', limit: LIMIT, uploaded: 0, downloaded: 0 });
    expect((error as Error).message).toMatch(/headers limit of 300 ms ran out: GET http:\/\/api\.test\/slow-headers/);
    expect(elapsed).toBeGreaterThanOrEqual(LIMIT - 5);
    expect(elapsed).toBeLessThan(WITHIN);
    await expect.poll(() => seen.aborted).toContain('/slow-headers');
  });

  it('end an upload whose body stops with phase upload, and release the body', async () => {
    const { stream, state } = stallingBody();
    const { events, error, elapsed } = await timed({
      url: `${API}/upload-hang`,
      method: 'POST',
      body: stream,
      progressInterval: 0,
      timeout: { upload: LIMIT },
    });
    expect(sequence(events)[0]).toBe('start');
    expect(events.some((event) => event.type === 'headers')).toBe(false);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'upload', limit: LIMIT, downloaded: 0 });
    expect(elapsed).toBeLessThan(WITHIN);
    expect(state.cancelled).toBe(true);
  });

  it('end a streamed upload whose whole body went but whose answer never comes at the headers limit', async () => {
    const { events, error, elapsed } = await timed({
      url: `${API}/upload-hang`,
      method: 'POST',
      body: new Blob([pattern(16 * 1024) as BlobPart]),
      uploadChunkSize: 1024,
      progressInterval: 0,
      timeout: { headers: LIMIT },
      retry: false,
    });
    expect(events[0]).toMatchObject({ type: 'start', transport: 'fetch-stream' });
    expect(sequence(events)).toEqual(['start', 'upload-progress+', 'sent']);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'headers', limit: LIMIT });
    // The headers limit runs from `sent`: the upload's own time (longer on a loaded machine) is left out.
    const uploading = lastOf(events, 'sent').time - (events[0] as StartEvent).time;
    expect(elapsed - uploading).toBeLessThan(WITHIN);
  });

  it('end the whole exchange at its total deadline, whatever phase it is in', async () => {
    const { error, elapsed } = await timed({ url: `${API}/slow-headers`, timeout: { total: LIMIT, headers: false } });
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'total', limit: LIMIT });
    expect(elapsed).toBeLessThan(WITHIN);
  });

  it('do not end an exchange that moves within them', async () => {
    const { error, events } = await timed({
      url: `${API}/bytes?size=50000&chunk=1000`,
      responseType: 'none',
      timeout: { headers: LIMIT, download: LIMIT },
    });
    expect(error).toBeUndefined();
    expect(sequence(events).at(-1)).toBe('complete');
  });

  it('are all off with timeout: false', async () => {
    const subscription = transfer({ url: `${API}/slow-headers`, timeout: false }).subscribe({
      error: (error: unknown) => {
        throw error;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 2 * LIMIT));
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
  });

  it.each([
    ['a zero limit', { headers: 0 }],
    ['an unknown phase', { connect: 1000 }],
    ['a limit past what setTimeout keeps', { total: 2 ** 31 }],
    ['a number for all', 1000],
  ])('refuse %s before any traffic', async (_, timeout) => {
    const { events, error } = await collect(transfer({ url: `${API}/json`, timeout } as unknown as TransferOptions));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option: 'timeout' });
    expect(seen.requests).toEqual([]);
  });
});
