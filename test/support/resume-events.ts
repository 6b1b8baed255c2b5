import type { RetryEvent, TransferEvent } from '../../lib/index.js';
import { progressInvariants, progressOf } from './collect.js';

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

/**
 * What is wrong with the progress of a download that started again from byte 0 at its second response (a 200 to
 * If-Range, its connection cut at `cuts[1]` response bytes): before that response, progress as far as it went; from
 * it, one whole progress to 100%; and the next retry resumes from at most `cuts[1]`, as a count from 0 must. The
 * restart is told by the response, not by a fall in `loaded`: a first read of the restarted body can carry more than
 * the first attempt had (Chromium, into OPFS: no fall in one CI run). Returns the problems, and what it measured.
 */
export function restartProblems(
  events: readonly TransferEvent<unknown>[],
  cuts: readonly number[],
): { problems: string[]; seen: string } {
  const heads = events.flatMap((event, index) => (event.type === 'headers' ? [index] : []));
  const restart = heads[1] ?? events.length;
  const before = progressOf(events.slice(0, restart), 'download-progress');
  const after = progressOf(events.slice(restart), 'download-progress');
  const resumedFrom = resumesOf(events)[1];
  const problems = [
    ...progressInvariants(before, false).map((problem) => `before the restart: ${problem}`),
    ...progressInvariants(after).map((problem) => `from the restart: ${problem}`),
  ];
  if (before.length === 0) problems.push('no progress before the restart');
  if (resumedFrom === undefined || resumedFrom > (cuts[1] as number)) {
    problems.push(`resumed from ${resumedFrom} after the restart's connection was cut at ${cuts[1]}`);
  }
  const seen = `progress ${before.at(-1)?.loaded} before the restart, ${after[0]?.loaded} at its first read; resumed from ${resumesOf(events).join(', ')}; cuts ${cuts.join(', ')}`;
  return { problems, seen };
}
