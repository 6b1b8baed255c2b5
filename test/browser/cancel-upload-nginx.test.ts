/**
 * Issue 10, item 1, over HTTP/2: a cancelled upload must never be stored as complete by a real
 * server. nginx's WebDAV PUT stores whatever body ends cleanly, however short, with 201, and
 * Chromium can end an aborted streamed body cleanly when a read of it is pending at the abort.
 * So in Chromium each body kind is cut short 20 times by each trigger, with a Web Worker keeping
 * one core busy, and then no upload may be found or logged as stored.
 *
 * Firefox and WebKit upload by XHR, with a Content-Length, and their first upload event can come
 * when the browser has taken the whole body: a cut can come after it has all gone. There (3
 * rounds each) nginx may store an upload only whole, byte for byte; and a ReadableStream body is
 * refused before any traffic.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { forgetTransports } from '../../lib/transports/transport.js';
import { CANCEL_CASES, cancelRounds } from '../support/cancel-upload.js';
import { pattern } from '../support/pattern.js';
import { spinWorker } from './spin-worker.js';
import { engineName, streamsUploads } from './support.js';

const nginx = inject('nginx');
const ROUNDS = streamsUploads ? 20 : 3;
const BYTES = pattern(8 * 1024 * 1024);

let stopSpinning: (() => void) | undefined;
beforeAll(async () => {
  forgetTransports();
  // The page streams an upload only to an origin its resource timing has shown to speak HTTP/2.
  await (await fetch(`${nginx.h2}/redirected`)).arrayBuffer();
  stopSpinning = spinWorker();
});
afterAll(() => {
  stopSpinning?.();
});

/** Rejections nobody handled during the current test: a cancelled upload must leave none (the page's console shows each). */
let unhandled: unknown[] = [];
const onUnhandled = (event: PromiseRejectionEvent) => {
  unhandled.push(event.reason);
  event.preventDefault();
};
beforeEach(() => {
  unhandled = [];
  window.addEventListener('unhandledrejection', onUnhandled);
});
afterEach(() => {
  window.removeEventListener('unhandledrejection', onUnhandled);
});

describe.runIf(streamsUploads)('over HTTP/2', () => {
  it.each(CANCEL_CASES)('nginx stores none of 20 $kind uploads cut short by $trigger', async ({ kind, trigger }) => {
    const { runs, seen } = await cancelRounds(nginx.h2, nginx.h1, { kind, trigger }, BYTES, ROUNDS);
    console.info(
      `${engineName} ${kind} ${trigger}: stored ${seen.stored.length}/${ROUNDS}, PUT statuses ${JSON.stringify(seen.statuses)}, unlogged ${seen.unlogged.length}, unhandled rejections ${unhandled.length}`,
    );
    expect(seen.protocols).toEqual(['HTTP/2.0']);
    expect(new Set(runs.flatMap((run) => run.transports))).toEqual(new Set(['fetch-stream']));
    expect(runs.filter((run) => run.ending === 'complete')).toEqual([]);
    if (trigger === 'timeout')
      expect(runs.filter((run) => (run.ending as { phase?: string }).phase !== 'upload')).toEqual([]);
    expect(runs.filter((run) => run.cutAt >= BYTES.byteLength / 2)).toEqual([]);
    expect(seen.stored, `${seen.stored.length} of ${ROUNDS} stored`).toEqual([]);
    expect(unhandled.map(String), `${unhandled.length} unhandled rejections`).toEqual([]);
  });
});

describe.skipIf(streamsUploads)('over HTTP/2, by XHR', () => {
  it.each(CANCEL_CASES)('nginx stores no $kind upload cut short by $trigger but whole', async ({ kind, trigger }) => {
    const { paths, runs, seen } = await cancelRounds(nginx.h2, nginx.h1, { kind, trigger }, BYTES, ROUNDS);
    const endings = runs.map((run) => (typeof run.ending === 'string' ? run.ending : (run.ending as Error).name));
    console.info(
      `${engineName} ${kind} ${trigger}: stored ${seen.stored.length}/${ROUNDS}, PUT statuses ${JSON.stringify(seen.statuses)}, unlogged ${seen.unlogged.length}, endings ${JSON.stringify(endings)}, unhandled rejections ${unhandled.length}`,
    );
    if (kind === 'ReadableStream') {
      expect(endings).toEqual(Array(ROUNDS).fill('InvalidTransferOptionError'));
      expect(seen.unlogged).toEqual(paths);
    } else {
      expect(seen.protocols).toEqual(['HTTP/2.0']);
      expect(new Set(runs.flatMap((run) => run.transports))).toEqual(new Set(['xhr']));
    }
    expect(seen.stored.filter((upload) => upload.bytes !== BYTES.byteLength || upload.status !== 200)).toEqual([]);
    for (const upload of seen.stored) {
      const bytes = new Uint8Array(await (await fetch(`${nginx.h2}${upload.path}`)).arrayBuffer());
      expect(
        bytes.every((byte, i) => byte === BYTES[i]),
        `${upload.path} stored the caller's bytes`,
      ).toBe(true);
    }
    expect(unhandled.map(String), `${unhandled.length} unhandled rejections`).toEqual([]);
  });
});
