import { describe, expect, it, vi } from 'vitest';
import { InvalidTransferOptionError, transfer } from '../lib/index.js';
import { collect, lastOf, progressOf, sequence } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

// The platforms without streamed request bodies (Firefox, Safari) are simulated here through
// the one capability check the transports depend on.
vi.mock('../lib/transports/supports-request-streams.js', () => ({ supportsRequestStreams: () => false }));

useMockServer();

interface Echo {
  size: number;
  contentType: string | null;
}

describe('where request bodies cannot be streamed', () => {
  it('sends the body whole and reports its upload once, honestly, as whole', async () => {
    const { events, error } = await collect(
      transfer<Echo>({
        url: `${API}/echo`,
        method: 'POST',
        body: new Blob([pattern(100_000) as BlobPart]),
        progressInterval: 0,
      }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual([
      'start',
      'upload-progress+',
      'sent',
      'headers',
      'download-progress+',
      'complete',
    ]);
    expect(lastOf(events, 'start').transport).toBe('fetch');
    const uploads = progressOf(events, 'upload-progress');
    expect(uploads).toEqual([
      expect.objectContaining({ loaded: 100_000, total: 100_000, percent: 100, granularity: 'whole' }),
    ]);
    expect(lastOf(events, 'complete').body.size).toBe(100_000);
    expect(seen.bodies.get('/echo')).toEqual(pattern(100_000));
  });

  it('keeps the body’s own Content-Type, FormData boundary included', async () => {
    const form = new FormData();
    form.append('field', 'value');
    const { events } = await collect(transfer<Echo>({ url: `${API}/echo`, method: 'POST', body: form }));
    expect(lastOf(events, 'complete').body.contentType).toMatch(/^multipart\/form-data; ?boundary=/);
  });

  it('refuses a ReadableStream body before any traffic, saying why', async () => {
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    const { events, error } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body }));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect((error as Error).message).toMatch(
      /needs streamed request bodies: this platform has no streamed request bodies/,
    );
    expect(seen.requests).toEqual([]);
  });
});
