import { type TransferBody, transfer } from '../../lib/index.js';
import { storedUploads, type UploadsSeen } from './stored-uploads.js';

/** The body kinds of issue 10's item 1. */
export type BodyKind = 'Blob' | 'File' | 'ArrayBuffer' | 'ReadableStream';

/**
 * How an upload is cut short once its progress has begun:
 * - `timer`: unsubscribed from a timer (0-4 ms after the first upload-progress event);
 * - `progress`: unsubscribed inside the upload-progress callback that reports 1-4 chunks;
 * - `signal`: the caller's `signal` aborted from a timer, as `timer`;
 * - `source-error` (ReadableStream only): the caller's stream errors after 1-8 chunks;
 * - `timeout` (ReadableStream only): the caller's stream stops giving after 1-8 chunks, and the
 *   upload idle limit (200 ms) runs out while a read of it is pending.
 */
export type CancelTrigger = 'timer' | 'progress' | 'signal' | 'source-error' | 'timeout';

/** Every body kind with every trigger that applies to it. */
export const CANCEL_CASES: readonly { kind: BodyKind; trigger: CancelTrigger }[] = (
  ['Blob', 'File', 'ArrayBuffer', 'ReadableStream'] as const
).flatMap((kind) =>
  (['timer', 'progress', 'signal', 'source-error', 'timeout'] as const)
    .filter((trigger) => (trigger !== 'source-error' && trigger !== 'timeout') || kind === 'ReadableStream')
    .map((trigger) => ({ kind, trigger })),
);

/** The chunk size of the caller's stream, and the unit of the `progress` trigger's cut. */
export const CHUNK = 64 * 1024;

/** What one cancelled upload did on the client's side. */
export interface CancelledUpload {
  /** Bytes the upload had reported taken when it was cut (for `source-error`: the bytes the source gave). */
  readonly cutAt: number;
  /** `'unsubscribed'`, `'complete'` (the cut came too late), or the error the exchange ended with. */
  readonly ending: unknown;
  /** The transport of each attempt, from the `start` events. */
  readonly transports: string[];
}

/** The bodies of one case: a Blob, File or ArrayBuffer made once and sent every round, or a fresh stream each round. */
export interface CaseBodies {
  readonly kind: BodyKind;
  readonly size: number;
  /** The body for one round; a stream counts what it has given, and after `stopAfter` chunks, if given, fails or stalls. */
  body(source: { given: number }, stopAfter: number | undefined, stop: 'fail' | 'stall'): TransferBody;
}

/** The bodies of `kind` carrying `bytes`. */
export function caseBodies(kind: BodyKind, bytes: Uint8Array): CaseBodies {
  const size = bytes.byteLength;
  if (kind === 'ReadableStream')
    return { kind, size, body: (source, stopAfter, stop) => sourceStream(bytes, source, stopAfter, stop) };
  const whole: TransferBody =
    kind === 'Blob'
      ? new Blob([bytes as BlobPart])
      : kind === 'File'
        ? new File([bytes as BlobPart], 'upload.bin')
        : new Uint8Array(bytes).buffer;
  return { kind, size, body: () => whole };
}

/**
 * PUTs one of `bodies` to `url` with `transfer` and cuts it short by `trigger`; `round` varies
 * the moment. Resolves once the exchange has ended (or been unsubscribed).
 */
export function cancelUpload(url: string, bodies: CaseBodies, trigger: CancelTrigger, round: number) {
  return new Promise<CancelledUpload>((resolve) => {
    const controller = new AbortController();
    const source = { given: 0 };
    let loaded = 0;
    let cutAt: number | undefined;
    let timer = false;
    const transports: string[] = [];
    const finish = (ending: unknown) => resolve({ cutAt: cutAt ?? source.given, ending, transports });
    const cut = () => {
      cutAt ??= loaded;
      if (trigger === 'signal') return controller.abort(new Error('cancelled by the test'));
      subscription.unsubscribe();
      finish('unsubscribed');
    };
    const stopAfter = trigger === 'source-error' || trigger === 'timeout' ? 1 + (round % 8) : undefined;
    const body = bodies.body(source, stopAfter, trigger === 'timeout' ? 'stall' : 'fail');
    const subscription = transfer({
      url,
      method: 'PUT',
      body,
      signal: controller.signal,
      progressInterval: 0,
      // 64 KiB chunks on every platform (Node's default is 1 MiB), so that a cut lands early in the body.
      uploadChunkSize: CHUNK,
      ...(trigger === 'timeout' ? { timeout: { upload: 200 } } : {}),
    }).subscribe({
      next(event) {
        if (event.type === 'start') transports.push(event.transport);
        if (event.type !== 'upload-progress' || cutAt !== undefined) return;
        loaded = event.loaded;
        if (trigger === 'progress' && loaded >= (1 + (round % 4)) * CHUNK) cut();
        if ((trigger === 'timer' || trigger === 'signal') && !timer) {
          timer = true;
          setTimeout(cut, round % 5);
        }
      },
      error: (error: unknown) => {
        if (trigger === 'timeout') cutAt ??= (error as { uploaded?: number }).uploaded ?? loaded;
        finish(error);
      },
      complete: () => finish('complete'),
    });
  });
}

function sourceStream(
  bytes: Uint8Array,
  source: { given: number },
  stopAfter: number | undefined,
  stop: 'fail' | 'stall',
) {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stopAfter !== undefined && source.given >= stopAfter * CHUNK) {
        if (stop === 'stall') return new Promise<void>(() => undefined);
        controller.error(new Error('the source stream failed'));
        return;
      }
      if (source.given >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(source.given, source.given + CHUNK));
      source.given += CHUNK;
    },
  });
}

/**
 * Cuts `rounds` uploads of `kind` carrying `bytes` short by `trigger`, each a PUT to a fresh path
 * under `/dav/cancel/` of `origin`, then asks nginx (its log read through `logOrigin`) what it stored.
 */
export async function cancelRounds(
  origin: string,
  logOrigin: string,
  { kind, trigger }: { kind: BodyKind; trigger: CancelTrigger },
  bytes: Uint8Array,
  rounds: number,
): Promise<{ paths: string[]; runs: CancelledUpload[]; seen: UploadsSeen }> {
  const paths: string[] = [];
  const runs: CancelledUpload[] = [];
  const bodies = caseBodies(kind, bytes);
  for (let round = 0; round < rounds; round++) {
    const path = `/dav/cancel/${kind}-${trigger}-${round}-${crypto.randomUUID()}`;
    paths.push(path);
    runs.push(await cancelUpload(`${origin}${path}`, bodies, trigger, round));
  }
  return { paths, runs, seen: await storedUploads(origin, logOrigin, paths) };
}
