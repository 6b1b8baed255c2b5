import { now } from '../core/clock.js';
import type { TransferEvent, UploadProgressEvent } from '../core/events.js';
import { createProgressMeter } from './progress-meter.js';

/** Reports one attempt's upload: progress as bytes go, then `sent`. */
export interface UploadTracker {
  /** The running count of bytes sent. */
  readonly onSent: (sent: number) => void;
  /** The whole body has been sent. */
  readonly onEnd: () => void;
  /**
   * The response has begun. An upload the transport could not follow to its end is reported
   * here whole (`granularity: 'whole'`); a streamed one not yet ended stops being reported
   * (the server answered early).
   */
  readonly atHeaders: (streamed: boolean) => void;
  /** The body source failed with `error`. */
  readonly onError: (error: unknown) => void;
  /** The body source's own error, if it failed. */
  readonly failure: () => unknown;
  /** Bytes sent so far. */
  readonly sent: () => number;
  /** When `sent` was reported, if it was. */
  readonly sentAt: () => number | undefined;
}

/** Creates the tracker for a body of `total` bytes (`undefined`: unknown), counted at `granularity`. */
export function createUploadTracker(
  total: number | undefined,
  granularity: UploadProgressEvent['granularity'],
  emit: (event: TransferEvent<never>) => void,
): UploadTracker {
  const meter = createProgressMeter(total);
  let sent = 0;
  let sentAt: number | undefined;
  let closed = false;
  let failure: unknown;
  const progress = (bytes: number, measured: UploadProgressEvent['granularity']) => {
    const time = now();
    sent = bytes;
    emit({ type: 'upload-progress', time, granularity: measured, ...meter(bytes, time) });
  };
  const end = () => {
    sentAt = now();
    closed = true;
    emit({ type: 'sent', time: sentAt, bytes: sent });
  };
  return {
    onSent: (bytes) => {
      if (closed || bytes <= sent) return;
      progress(bytes, granularity);
      // The last byte of a body of known size has gone: the body is sent, whether or not its end is read yet.
      if (total !== undefined && bytes >= total) end();
    },
    onEnd: () => {
      if (closed) return;
      if (total !== undefined && total > sent) progress(total, granularity);
      end();
    },
    atHeaders: (streamed) => {
      if (closed) return;
      if (!streamed) {
        if (total !== undefined && total > sent) progress(total, 'whole');
        end();
      }
      closed = true;
    },
    onError: (error) => {
      failure ??= error;
    },
    failure: () => failure,
    sent: () => sent,
    sentAt: () => sentAt,
  };
}
