import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransferAbortError, type TransferEvent, type TransferOptions, transfer } from '../lib/index.js';
import { collect, sequence, sleep } from './support/collect.js';
import { API, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Waits until `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** Subscribes, and unsubscribes as soon as an event of type `at` arrives; records all events. */
function unsubscribeAt(options: TransferOptions, at: TransferEvent['type']) {
  const events: TransferEvent[] = [];
  let settled = false;
  const subscription = transfer(options).subscribe({
    next: (event) => {
      events.push(event);
      if (event.type === at) subscription.unsubscribe();
    },
    error: () => {
      settled = true;
    },
    complete: () => {
      settled = true;
    },
  });
  return { events, settled: () => settled, subscription };
}

/** A request body that yields `first` bytes, then waits until cancelled. */
function stalledBody(first: number) {
  const state = { cancelled: false };
  let sentFirst = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sentFirst) return new Promise<void>(() => undefined);
      sentFirst = true;
      controller.enqueue(new Uint8Array(first));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

describe('cancellation by unsubscribing', () => {
  it('aborts the request before the headers, and the server sees it', async () => {
    const run = unsubscribeAt({ url: `${API}/slow-headers` }, 'headers');
    await eventually(() => seen.requests.length === 1);
    run.subscription.unsubscribe();
    await eventually(() => seen.aborted.includes('/slow-headers'));
    await sleep(50);
    expect(sequence(run.events)).toEqual(['start']);
    expect(run.settled()).toBe(false);
  });

  it('aborts the body read when unsubscribed after the headers arrived', async () => {
    const run = unsubscribeAt({ url: `${API}/hang-body`, responseType: 'arrayBuffer' }, 'headers');
    await eventually(() => seen.cancelled.includes('/hang-body'));
    expect(sequence(run.events)).toEqual(['start', 'headers']);
  });

  it('aborts the body read mid-download, and no event follows', async () => {
    const run = unsubscribeAt(
      { url: `${API}/hang-body`, responseType: 'text', progressInterval: 0 },
      'download-progress',
    );
    await eventually(() => seen.cancelled.includes('/hang-body'));
    await sleep(50);
    expect(sequence(run.events)).toEqual(['start', 'headers', 'download-progress+']);
    expect(run.events).toHaveLength(3);
  });

  it('cancels the request body mid-upload', async () => {
    const { body, state } = stalledBody(1000);
    const run = unsubscribeAt(
      { url: `${API}/upload-hang`, method: 'POST', body, progressInterval: 0 },
      'upload-progress',
    );
    await eventually(() => state.cancelled);
    await sleep(50);
    expect(sequence(run.events)).toEqual(['start', 'upload-progress+']);
    expect(run.events.at(-1)).toMatchObject({ loaded: 1000, total: undefined });
  });

  it('delivers no held-back progress event after unsubscribe', async () => {
    const run = unsubscribeAt({ url: `${API}/bytes?size=200000&chunk=1000`, progressInterval: 10_000 }, 'headers');
    await sleep(100);
    expect(sequence(run.events)).toEqual(['start', 'headers']);
  });

  it('aborts nothing once the exchange has completed', async () => {
    const sent: Request[] = [];
    const hooks = { beforeRequest: [({ request }: { request: Request }) => void sent.push(request)] };
    const events: TransferEvent[] = [];
    let completed = false;
    const subscription = transfer({ url: `${API}/json`, hooks }).subscribe({
      next: (event) => events.push(event),
      complete: () => {
        completed = true;
      },
    });
    await eventually(() => completed);
    subscription.unsubscribe();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.signal.aborted).toBe(false);
    expect(sequence(events).at(-1)).toBe('complete');
  });
});

describe('cancellation by the caller’s signal', () => {
  it('ends the exchange mid-download with TransferAbortError carrying the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed cancel');
    const outcome = collect(transfer({ url: `${API}/hang-body`, signal: controller.signal, progressInterval: 0 }));
    await eventually(() => seen.requests.length === 1);
    await sleep(30);
    controller.abort(reason);
    const { events, error } = await outcome;
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+']);
    expect(error).toBeInstanceOf(TransferAbortError);
    expect(error).toMatchObject({ cause: reason, message: `Transfer aborted: GET ${API}/hang-body` });
    await eventually(() => seen.cancelled.includes('/hang-body'));
  });

  it('fails at once, sending nothing, when the signal is already aborted', async () => {
    const { events, error } = await collect(transfer({ url: `${API}/json`, signal: AbortSignal.abort('gone') }));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(TransferAbortError);
    expect((error as Error).cause).toBe('gone');
    expect(seen.requests).toEqual([]);
  });

  it.each([
    ['completion', `${API}/json`],
    ['failure', `${API}/status/500`],
  ])('leaves no listener on the signal after %s', async (_, url) => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await collect(transfer({ url, signal: controller.signal }));
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
    expect(remove.mock.calls[0]?.[1]).toBe(add.mock.calls[0]?.[1]);
  });

  it('leaves no listener on the signal after unsubscribe', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const run = unsubscribeAt({ url: `${API}/slow-headers`, signal: controller.signal }, 'headers');
    await eventually(() => seen.requests.length === 1);
    run.subscription.unsubscribe();
    await eventually(() => seen.aborted.length === 1);
    expect(run.subscription.closed).toBe(true);
    expect(remove.mock.calls.map((call) => call[1])).toEqual(add.mock.calls.map((call) => call[1]));
  });
});
