import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTransferError, OverlongBodyError, transfer } from '../lib/index.js';
import { collect, progressInvariants, progressOf } from './support/collect.js';
import { API, chunkedBody, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a body longer than its stated total', () => {
  it.each([
    ['a sink', { sink: new WritableStream<Uint8Array>() }],
    ['a kept body', { responseType: 'arrayBuffer' as const }],
  ])('fails with OverlongBodyError once the body passes its size hint, never above 100%% (%s)', async (_, shape) => {
    const url = `${API}/bytes?size=1000&chunk=250&length=none&hint=500`;
    const { events, error, completed } = await collect(
      transfer({ url, sizeHintHeader: 'x-decoded-length', progressInterval: 0, ...shape }),
    );
    expect(completed).toBe(false);
    const progress = progressOf(events, 'download-progress');
    expect(progressInvariants(progress, false)).toEqual([]);
    expect(progress.every((event) => event.loaded <= 500 && (event.percent as number) <= 100)).toBe(true);
    expect(error).toBeInstanceOf(OverlongBodyError);
    expect(error).toMatchObject({ name: 'OverlongBodyError', expected: 500, method: 'GET', url });
    expect((error as OverlongBodyError).received).toBeGreaterThan(500);
    expect((error as Error).message).toContain('size hint `x-decoded-length` of 500 bytes');
    expect(isTransferError(error, 'OverlongBodyError')).toBe(true);
    expect(isTransferError(error)).toBe(true);
  });

  it('stops reading at the first chunk past the hint, after reporting 100% of it', async () => {
    // MSW hands a mocked body over whole; a response of our own keeps its chunks apart.
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(chunkedBody('/own', 1000, 250), { headers: { 'x-decoded-length': '500' } }),
    );
    const { events, error } = await collect(
      transfer({ url: `${API}/own`, sizeHintHeader: 'x-decoded-length', progressInterval: 0, responseType: 'none' }),
    );
    expect(progressOf(events, 'download-progress').map((event) => event.percent)).toEqual([50, 100]);
    expect(error).toMatchObject({ name: 'OverlongBodyError', expected: 500, received: 750 });
    expect(seen.cancelled).toEqual(['/own']);
  });

  it('fails a body longer than its Content-Length the same way, naming Content-Length', async () => {
    // Real HTTP parsers cut a body at its Content-Length; a Response built in code (a mock, a service worker) does not.
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(chunkedBody('/own', 900, 300), { headers: { 'content-length': '600' } }),
    );
    const { events, error } = await collect(transfer({ url: `${API}/own`, responseType: 'none', progressInterval: 0 }));
    expect(progressOf(events, 'download-progress').map((event) => event.percent)).toEqual([50, 100]);
    expect(error).toMatchObject({ name: 'OverlongBodyError', expected: 600, received: 900 });
    expect((error as Error).message).toContain('Content-Length of 600 bytes');
  });

  it('still completes a body exactly as long as its hint, its last figure the total', async () => {
    const url = `${API}/bytes?size=1000&chunk=250&length=none&hint=1000`;
    const { events, error } = await collect(
      transfer({ url, sizeHintHeader: 'x-decoded-length', progressInterval: 0, responseType: 'none' }),
    );
    expect(error).toBeUndefined();
    expect(progressInvariants(progressOf(events, 'download-progress'))).toEqual([]);
  });
});
