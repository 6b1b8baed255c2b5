import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TransferEvent, type TransferOptions, transfer } from '../lib/index.js';
import { progressInvariants, progressOf, sleep } from './support/collect.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

/** The documented order, as a regular expression over comma-joined event types. */
const ORDER = /^start(,upload-progress)*(,sent)?,headers(,download-progress)*,complete$/;

/** Whether `types` is a prefix of some sequence that {@link ORDER} accepts. */
function isOrderedPrefix(types: string[]): boolean {
  const rank: Record<string, number> = {
    start: 0,
    'upload-progress': 1,
    sent: 2,
    headers: 3,
    'download-progress': 4,
    complete: 5,
  };
  return (
    types.every((type, i) => i === 0 || (rank[type] as number) >= (rank[types[i - 1] as string] as number)) &&
    types.filter((type) => type === 'start' || type === 'sent' || type === 'headers' || type === 'complete').length ===
      new Set(types.filter((type) => !type.endsWith('progress'))).size &&
    (types.length === 0 || types[0] === 'start')
  );
}

const scenario = fc.record({
  upload: fc.option(fc.integer({ min: 0, max: 150_000 }), { nil: undefined }),
  uploadKind: fc.constantFrom('bytes', 'blob', 'stream'),
  uploadChunk: fc.integer({ min: 1, max: 40_000 }),
  download: fc.integer({ min: 0, max: 150_000 }),
  downloadChunk: fc.integer({ min: 1, max: 40_000 }),
  withLength: fc.boolean(),
  interval: fc.constantFrom(0, 5, 50),
  abortAfter: fc.option(fc.nat({ max: 12 }), { nil: undefined }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

function optionsFor(s: Scenario): TransferOptions {
  const length = s.withLength ? '' : '&length=none';
  const url = `${API}/bytes?size=${s.download}&chunk=${s.downloadChunk}${length}`;
  const base = { url, responseType: 'arrayBuffer' as const, progressInterval: s.interval };
  if (s.upload === undefined) return base;
  const bytes = pattern(s.upload);
  const body =
    s.uploadKind === 'bytes'
      ? bytes
      : s.uploadKind === 'blob'
        ? new Blob([bytes as BlobPart])
        : new Blob([bytes as BlobPart]).stream();
  return { ...base, url: `${API}/echo`, method: 'POST', body, uploadChunkSize: s.uploadChunk, responseType: 'json' };
}

/** Runs one scenario; unsubscribes after `abortAfter` events if set. */
async function run(s: Scenario) {
  const events: TransferEvent[] = [];
  let afterUnsubscribe = 0;
  let unsubscribed = false;
  let settled: 'complete' | 'error' | undefined;
  await new Promise<void>((resolve) => {
    const subscription = transfer(optionsFor(s)).subscribe({
      next: (event) => {
        if (unsubscribed) afterUnsubscribe++;
        events.push(event);
        if (events.length === s.abortAfter) {
          unsubscribed = true;
          subscription.unsubscribe();
          sleep(5).then(resolve);
        }
      },
      error: () => {
        settled = 'error';
        resolve();
      },
      complete: () => {
        settled = 'complete';
        resolve();
      },
    });
  });
  return { events, afterUnsubscribe, unsubscribed, settled };
}

describe('properties over random sizes, chunkings and abort points', () => {
  it('keeps the order and the progress invariants, and nothing follows an unsubscribe', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { events, afterUnsubscribe, unsubscribed, settled } = await run(s);
        const types = events.map((event) => event.type);
        expect(afterUnsubscribe).toBe(0);
        expect(isOrderedPrefix(types)).toBe(true);
        if (!unsubscribed) {
          expect(settled).toBe('complete');
          expect(types.join(',')).toMatch(ORDER);
        }
        if (s.upload === undefined || s.upload === 0) expect(types).not.toContain('upload-progress');
        const uploads = progressOf(events, 'upload-progress');
        const downloads = progressOf(events, 'download-progress');
        expect(progressInvariants(uploads, types.includes('sent'))).toEqual([]);
        expect(progressInvariants(downloads, types.includes('complete'))).toEqual([]);
        if (s.upload !== undefined && s.uploadKind === 'stream')
          expect(uploads.every((e) => e.total === undefined)).toBe(true);
        const complete = events.find((event) => event.type === 'complete');
        if (complete !== undefined) {
          const expectedUpload = s.upload ?? 0;
          expect(complete.uploaded).toBe(expectedUpload);
          if (expectedUpload > 0) expect(uploads.at(-1)?.loaded).toBe(expectedUpload);
          if (s.upload === undefined) {
            expect(complete.downloaded).toBe(s.download);
            expect(new Uint8Array(complete.body as ArrayBuffer)).toEqual(pattern(s.download));
            if (s.download > 0) expect(downloads.at(-1)?.loaded).toBe(s.download);
            if (s.withLength && s.download > 0) expect(downloads.at(-1)?.percent).toBe(100);
          }
        }
      }),
      { numRuns: 1000 },
    );
  }, 600_000);
});
