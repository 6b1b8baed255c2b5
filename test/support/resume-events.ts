import type { RetryEvent, TransferEvent } from '../../lib/index.js';

/** The status of each attempt's `headers`, in order. */
export const statusesOf = (events: readonly TransferEvent<unknown>[]): number[] =>
  events.flatMap((event) => (event.type === 'headers' ? [event.status] : []));

/** Where each retry said it resumes from (`undefined`: from 0). */
export const resumesOf = (events: readonly TransferEvent<unknown>[]): (number | undefined)[] =>
  events.filter((event): event is RetryEvent => event.type === 'retry').map((event) => event.resumeFrom);

/** Whether `bytes` are the first bytes of `file` (compared in a loop: deep equality of megabytes is slow). */
export function isPrefixOf(bytes: Uint8Array, file: Uint8Array): boolean {
  if (bytes.byteLength > file.byteLength) return false;
  for (let i = 0; i < bytes.byteLength; i++) if (bytes[i] !== file[i]) return false;
  return true;
}

/** Whether `bytes` are exactly `file`. */
export const sameBytes = (bytes: Uint8Array, file: Uint8Array): boolean =>
  bytes.byteLength === file.byteLength && isPrefixOf(bytes, file);
