import { beforeEach, describe, expect, it } from 'vitest';
import { TransferAbortError, type TransferEvent, transfer } from '../../lib/index.js';
import { pattern } from '../support/pattern.js';
import { forgetOrigins, meetOrigin, protocols, serverRecord, testId } from './support.js';

const MiB = 1024 * 1024;

beforeEach(() => {
  forgetOrigins();
});

type Trigger = 'signal' | 'unsubscribe';
type Stage = 'upload-progress' | 'sent' | 'headers' | 'download-progress';

interface Outcome {
  events: TransferEvent<unknown>['type'][];
  error: unknown;
  after: number;
}

/**
 * Cancels a transfer from inside the handler of its first `stage` event, the way UI code does (a
 * Cancel button handled in the same task as a progress update), and reports what the subscriber saw.
 */
async function cancelInside(origin: string, id: string, stage: Stage, trigger: Trigger): Promise<Outcome> {
  const controller = new AbortController();
  const upload = stage === 'upload-progress' || stage === 'sent';
  const events: TransferEvent<unknown>['type'][] = [];
  let error: unknown;
  let after = 0;
  let cancelled = false;
  await new Promise<void>((resolve) => {
    const subscription = transfer({
      url: upload
        ? `${origin}/upload?id=${id}&readRate=20000000`
        : `${origin}/download?id=${id}&size=${64 * MiB}&rate=20000000`,
      method: upload ? 'POST' : 'GET',
      body: upload ? new Blob([pattern(16 * MiB) as BlobPart]) : undefined,
      signal: controller.signal,
      progressInterval: 0,
    }).subscribe({
      next: (event) => {
        if (cancelled) after++;
        events.push(event.type);
        if (event.type !== stage || cancelled) return;
        cancelled = true;
        if (trigger === 'signal') controller.abort(new Error('Cancel pressed'));
        else {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: (failure: unknown) => {
        error = failure;
        resolve();
      },
      complete: resolve,
    });
  });
  // Anything still on its way would arrive within a few tasks. (The download is paced, 20 MB/s, so that it cannot have
  // been sent whole before the cancel: unpaced, WebKit over HTTP/2 once left the server no request to see cut.)
  await new Promise((r) => setTimeout(r, 100));
  return { events, error, after };
}

describe.each(protocols)('cancelled inside an event handler, $protocol', ({ origin }) => {
  describe.each<Stage>(['upload-progress', 'sent', 'headers', 'download-progress'])('inside %s', (stage) => {
    it.each<Trigger>(['signal', 'unsubscribe'])(
      'by %s: ends at once, nothing after, the request aborted',
      async (trigger) => {
        await meetOrigin(origin);
        const id = testId();
        const outcome = await cancelInside(origin, id, stage, trigger);
        expect(outcome.after).toBe(0);
        expect(outcome.events.at(-1)).toBe(stage);
        expect(outcome.events).not.toContain('complete');
        if (trigger === 'signal') {
          expect(outcome.error).toBeInstanceOf(TransferAbortError);
          expect((outcome.error as TransferAbortError).cause).toEqual(new Error('Cancel pressed'));
        } else expect(outcome.error).toBeUndefined();
        // The server saw the request cut off, unless it had already answered it whole (`sent` and later on a small
        // upload: the server has read it all; a download cut short is always seen).
        const record = await serverRecord(
          origin,
          id,
          stage === 'download-progress' || stage === 'upload-progress' ? 'aborted' : undefined,
        );
        if (stage === 'download-progress' || stage === 'upload-progress') expect(record.clientAborted).toBe(true);
        expect(record.requests).toBe(1);
      },
    );
  });
});
