import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidTransferOptionError, type TransferEvent, transfer } from '../../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf, sequence, sleep } from '../support/collect.js';
import { pattern } from '../support/pattern.js';
import {
  engineName,
  forgetOrigins,
  meetOrigin,
  protocols,
  serverRecord,
  streamsUploads,
  testId,
  uploadPath,
  withStallWatch,
} from './support.js';

const [http1, http2] = protocols;
const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 64 * KiB;

/**
 * How far the counted upload may run ahead of the bytes the server has read, over HTTP/2.
 * Flow control caps it whatever the machine's load: one HTTP/2 stream window (Node's
 * default, 64 KiB), the server stream's read buffer (64 KiB), and the chunks Chromium has
 * pulled but not yet framed: two queued plus the one being written. Measured here: a
 * median of about 200 KB and a maximum of 272 KiB. Counting chunks when they are enqueued
 * instead (ky#694) would put it near the whole body.
 */
const HTTP2_LEAD_BOUND = 64 * KiB + 64 * KiB + 3 * CHUNK;

beforeEach(() => {
  forgetOrigins();
});

interface Upload {
  id: string;
  protocol: string;
  bytes: number;
}

/** Uploads `size` bytes to a slow-reading sink, sampling how far the reported bytes run ahead of the server's. */
async function measuredUpload(origin: string, size: number, readRate: number) {
  const id = testId();
  const body = new Blob([pattern(size) as BlobPart]);
  const events: TransferEvent<unknown>[] = [];
  let error: unknown;
  let done = false;
  const finished = new Promise<void>((resolve) => {
    transfer({
      url: `${origin}/upload?id=${id}&readRate=${readRate}`,
      method: 'POST',
      body,
      progressInterval: 0,
      uploadChunkSize: CHUNK,
    }).subscribe({
      next: (event) => events.push(event),
      error: (failure: unknown) => {
        error = failure;
        resolve();
      },
      complete: resolve,
    });
  }).then(() => {
    done = true;
  });
  // The server's count is taken between two readings of the client's: the lead at that moment
  // lies between `before - server` (never more than the true lead) and `after - server`.
  const leads = { before: [] as number[], after: [] as number[] };
  while (!done) {
    await Promise.race([sleep(50), finished]);
    if (done) break;
    const before = trackLoaded(events);
    const record = await serverRecord(origin, id).catch(() => undefined);
    const after = trackLoaded(events);
    if (record === undefined || before === 0 || after >= size) continue;
    leads.before.push(before - record.bytesReceived);
    leads.after.push(after - record.bytesReceived);
  }
  return { id, result: { events, error }, leads: { before: sorted(leads.before), after: sorted(leads.after) } };
}

const sorted = (values: number[]) => values.sort((a, b) => a - b);

/** Median and max of a sorted sample, for the log. */
const summary = (values: number[]) => `median ${values[values.length >> 1]}, max ${values.at(-1)} (n=${values.length})`;

/** The subscription's latest upload figure, for the watcher. */
function trackLoaded(events: TransferEvent[]): number {
  return progressOf(events, 'upload-progress').at(-1)?.loaded ?? 0;
}

describe(`uploads from ${engineName} over HTTP/1.1`, () => {
  it('go straight to XHR, with no refused attempt, report progress, and the server receives every byte', async () => {
    const id = testId();
    const size = 24 * MiB;
    const body = new Blob([pattern(size) as BlobPart]);
    const {
      result: { events, error },
      longestStall,
      ms,
    } = await withStallWatch(() =>
      collect(
        transfer<Upload>({
          url: `${http1.origin}/upload?id=${id}&readRate=${16 * MiB}`,
          method: 'POST',
          body,
          progressInterval: 0,
        }),
      ),
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
    expect(events[0]).toMatchObject({ attempt: 1, transport: 'xhr' });
    const progress = progressOf(events, 'upload-progress');
    expect(progressInvariants(progress)).toEqual([]);
    // Chromium sends XHR progress every 100 ms, each once the page has taken the one before: over
    // the 1.5 s upload that is 12-14 events. A neighbouring file that holds the shared page thread
    // for most of the upload leaves only the last (seen once in CI), so the count is asserted only
    // when the thread was free for at least half of it.
    if (longestStall < ms / 2)
      expect(progress.length, `thread stalled at most ${longestStall} ms of ${ms}`).toBeGreaterThan(1);
    expect(progress.at(-1)?.loaded).toBe(size);
    expect(progress.every((event) => event.type === 'upload-progress' && event.granularity === 'browser')).toBe(true);
    expect(lastOf(events, 'complete').body).toEqual({ id, bytes: size, protocol: '1.1' });
    expect((await serverRecord(http1.origin, id)).bytesReceived).toBe(size);
  });

  it('send a body of one chunk or less whole, by fetch', async () => {
    const { events } = await collect(
      transfer({ url: `${http1.origin}/upload`, method: 'POST', json: { small: true } }),
    );
    expect(events.filter((event) => event.type === 'start')).toEqual([
      expect.objectContaining({ attempt: 1, transport: 'fetch' }),
    ]);
  });

  it('refuse a ReadableStream body before any traffic with a clear error', async () => {
    const id = testId();
    const body = new Blob([pattern(1000) as BlobPart]).stream();
    const { events, error } = await collect(transfer({ url: `${http1.origin}/upload?id=${id}`, method: 'POST', body }));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect((error as Error).message).toMatch(
      streamsUploads
        ? /speaks HTTP\/1\.1, and browsers stream only over HTTP\/2/
        : /this platform has no streamed request bodies/,
    );
    await expect(serverRecord(http1.origin, id)).rejects.toThrow(/no record/);
  });

  it('measure how far XHR’s reported bytes run ahead of the server', async () => {
    const { id, result, leads } = await measuredUpload(http1.origin, 64 * MiB, 16 * MiB);
    expect(result.error).toBeUndefined();
    console.info(
      `${engineName} lead xhr/HTTP1.1 bytes: at most ${summary(leads.after)}; at least ${summary(leads.before)}; ${progressOf(result.events, 'upload-progress').length} upload events`,
    );
    expect(lastOf(result.events, 'sent').bytes).toBe(64 * MiB);
    expect((await serverRecord(http1.origin, id)).bytesReceived).toBe(64 * MiB);
  });
});

describe(`uploads from ${engineName} over HTTP/2`, () => {
  it(`go by XHR to an origin the page has not heard from, and ${streamsUploads ? 'stream' : 'still by XHR'} once a response showed HTTP/2`, async () => {
    const upload = async () => {
      const id = testId();
      const body = new Blob([pattern(MiB) as BlobPart]);
      const result = await collect(transfer({ url: `${http2.origin}/upload?id=${id}`, method: 'POST', body }));
      expect((await serverRecord(http2.origin, id)).bytesReceived).toBe(MiB);
      return result;
    };
    const first = await upload();
    expect(first.error).toBeUndefined();
    expect(first.events.filter((event) => event.type === 'start')).toEqual([
      expect.objectContaining({ attempt: 1, transport: 'xhr' }),
    ]);
    await meetOrigin(http2.origin);
    const second = await upload();
    expect(second.error).toBeUndefined();
    expect(second.events.filter((event) => event.type === 'start')).toEqual([
      expect.objectContaining({ attempt: 1, transport: uploadPath('HTTP/2') }),
    ]);
  });

  it.runIf(streamsUploads)(
    'stream the body, counting chunks no further ahead of the server than the flow-control window allows',
    async () => {
      const size = 8 * MiB;
      await meetOrigin(http2.origin);
      const { id, result, leads } = await measuredUpload(http2.origin, size, 2 * MiB);
      expect(result.error).toBeUndefined();
      expect(result.events.filter((event) => event.type === 'start')).toEqual([
        expect.objectContaining({ attempt: 1, transport: 'fetch-stream' }),
      ]);
      const progress = progressOf(result.events, 'upload-progress');
      expect(progressInvariants(progress)).toEqual([]);
      expect(progress.every((event) => event.type === 'upload-progress' && event.granularity === 'chunk')).toBe(true);
      expect(lastOf(result.events, 'complete').body).toEqual({ id, bytes: size, protocol: '2' });
      console.info(`lead fetch-stream/HTTP2 bytes: at most ${summary(leads.after)}; at least ${summary(leads.before)}`);
      expect(leads.before.length).toBeGreaterThan(10);
      expect(leads.before.at(-1)).toBeLessThanOrEqual(HTTP2_LEAD_BOUND);
    },
  );

  it.skipIf(streamsUploads)(
    'go by XHR with the browser’s upload events, and the server receives every byte',
    async () => {
      const size = 16 * MiB;
      await meetOrigin(http2.origin);
      const { id, result, leads } = await measuredUpload(http2.origin, size, 8 * MiB);
      expect(result.error).toBeUndefined();
      expect(result.events.filter((event) => event.type === 'start')).toEqual([
        expect.objectContaining({ attempt: 1, transport: 'xhr' }),
      ]);
      const progress = progressOf(result.events, 'upload-progress');
      expect(progressInvariants(progress)).toEqual([]);
      expect(progress.every((event) => event.type === 'upload-progress' && event.granularity === 'browser')).toBe(true);
      console.info(
        `${engineName} lead xhr/HTTP2 bytes: at most ${summary(leads.after)}; at least ${summary(leads.before)}; ${progress.length} upload events`,
      );
      expect(lastOf(result.events, 'complete').body).toEqual({ id, bytes: size, protocol: '2' });
    },
  );
});

describe.each(protocols)(`XHR upload events from ${engineName} over $protocol`, ({ origin }) => {
  it('are sampled to the configured cadence, however many the browser fires', async () => {
    const id = testId();
    const size = 16 * MiB;
    const { events, error } = await collect(
      transfer({
        url: `${origin}/upload?id=${id}&readRate=${16 * MiB}`,
        method: 'POST',
        body: new Blob([pattern(size) as BlobPart]),
        transport: 'xhr',
        progressInterval: 50,
      }),
    );
    expect(error).toBeUndefined();
    const times = progressOf(events, 'upload-progress').map((event) => event.time);
    const elapsed = (times.at(-1) as number) - (times[0] as number);
    console.info(`${engineName} xhr upload events sampled: ${times.length} over ${Math.round(elapsed)} ms`);
    // At most one per 50 ms, plus the first event and the final flush before `sent`.
    expect(times.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    expect((await serverRecord(origin, id)).bytesReceived).toBe(size);
  });
});

describe.each([
  { ...http1, transport: uploadPath('HTTP/1.1') },
  { ...http2, transport: uploadPath('HTTP/2') },
])('an upload cancelled over $protocol ($transport)', ({ origin, transport }) => {
  it('closes the server’s request stream when unsubscribed mid-upload', async () => {
    await meetOrigin(origin);
    const id = testId();
    const body = new Blob([pattern(64 * MiB) as BlobPart]);
    const events: TransferEvent[] = [];
    const subscription = transfer({ url: `${origin}/upload?id=${id}&readRate=${MiB}`, method: 'POST', body }).subscribe(
      (event) => events.push(event),
    );
    let started = false;
    for (let i = 0; i < 300 && !started; i++) {
      const record = await serverRecord(origin, id).catch(() => undefined);
      started = record !== undefined && record.bytesReceived > 0;
      if (!started) await sleep(50);
    }
    subscription.unsubscribe();
    expect(started).toBe(true);
    const record = await serverRecord(origin, id, 'aborted');
    expect(record.clientAborted).toBe(true);
    expect(record.requestComplete).toBe(false);
    expect(events.filter((event) => event.type === 'start').at(-1)).toMatchObject({ transport });
    expect(trackLoaded(events)).toBeLessThan(64 * MiB);
  });
});
