import { now } from './clock.js';
import type { TransferEvent } from './events.js';
import { createProgressMeter } from './progress-meter.js';

/** Reports one attempt's upload: progress as chunks are taken, then `sent`. */
export interface UploadTracker {
  /** The running count of bytes the network has taken. */
  readonly onSent: (sent: number) => void;
  /** The last chunk has been taken. */
  readonly onEnd: () => void;
  /**
   * The response has begun. A body sent whole is reported here, in one event; a streamed
   * body not yet finished stops being reported (the server answered early).
   */
  readonly atHeaders: (sentWhole: boolean) => void;
  /** The body source failed with `error`. */
  readonly onError: (error: unknown) => void;
  /** The body source's own error, if it failed. */
  readonly failure: () => unknown;
  /** Bytes sent so far. */
  readonly sent: () => number;
  /** When `sent` was reported, if it was. */
  readonly sentAt: () => number | undefined;
}

/** Creates the tracker for a body of `total` bytes (`undefined`: unknown) starting now. */
export function createUploadTracker(
  total: number | undefined,
  emit: (event: TransferEvent<never>) => void,
): UploadTracker {
  const meter = createProgressMeter(total, now());
  let sent = 0;
  let sentAt: number | undefined;
  let closed = false;
  let failure: unknown;
  const progress = (bytes: number, granularity: 'chunk' | 'whole') => {
    const time = now();
    sent = bytes;
    emit({ type: 'upload-progress', time, granularity, ...meter(bytes, time) });
  };
  const end = () => {
    sentAt = now();
    closed = true;
    emit({ type: 'sent', time: sentAt, bytes: sent });
  };
  return {
    onSent: (bytes) => {
      if (!closed) progress(bytes, 'chunk');
    },
    onEnd: () => {
      if (!closed) end();
    },
    atHeaders: (sentWhole) => {
      if (closed) return;
      if (sentWhole) {
        if (total !== undefined && total > 0) progress(total, 'whole');
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
