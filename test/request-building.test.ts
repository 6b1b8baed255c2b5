import { afterEach, describe, expect, it, vi } from 'vitest';
import { type JsonTransferOptions, transfer } from '../lib/index.js';
import { collect, lastOf } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The request line and headers the server saw, and the `start` event's URL. */
async function sent(options: JsonTransferOptions) {
  const { events, error } = await collect(transfer<Record<string, string>>(options));
  expect(error).toBeUndefined();
  return { url: lastOf(events, 'start').url, headers: lastOf(events, 'complete').body };
}

/** Records each Request that reaches fetch, and passes it on. */
function recordRequests(): Request[] {
  const requests: Request[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(input instanceof Request ? input : new Request(input, init));
    return realFetch(input, init);
  });
  return requests;
}

describe('the request, built without ky or through it', () => {
  it('joins prefix and baseUrl as ky does, and sends the caller’s headers', async () => {
    const headers = { 'x-custom': 'yes', 'x-unset': undefined } as unknown as Record<string, string>;
    const direct = await sent({ url: '/headers', prefix: `${API}/`, headers });
    const viaKy = await sent({ url: '/headers', prefix: `${API}/`, headers, hooks: {} });
    expect(direct.url).toBe(`${API}/headers`);
    expect(viaKy.url).toBe(direct.url);
    expect(direct.headers['x-custom']).toBe('yes');
    expect(direct.headers).not.toHaveProperty('x-unset');
    expect(viaKy.headers).toEqual(direct.headers);
    const based = await sent({ url: 'headers', baseUrl: `${API}/` });
    expect(based.url).toBe(`${API}/headers`);
  });

  it('has Node’s fetch refuse a streamed body’s redirects (the exchange re-sends it whole), so that it keeps no copy of the body', async () => {
    const requests = recordRequests();
    await collect(transfer({ url: `${API}/echo`, method: 'POST', body: pattern(2_000_000) }));
    await collect(transfer({ url: `${API}/echo`, method: 'POST', body: pattern(10), redirect: 'follow' }));
    await collect(transfer({ url: `${API}/json` }));
    expect(requests.map((request) => request.redirect)).toEqual(['error', 'follow', 'follow']);
  });

  it('gives fetch the exchange’s signal, and aborts it on unsubscribe', async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      signals.push(init?.signal);
      return realFetch(input, init);
    });
    const subscription = transfer({ url: `${API}/slow-headers` }).subscribe();
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    subscription.unsubscribe();
    expect(signals[0]?.aborted).toBe(true);
  });
});
