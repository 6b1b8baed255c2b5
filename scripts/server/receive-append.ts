import { whenAborted } from './delay.ts';
import type { Exchange } from './exchange.ts';
import type { ResumableUpload, ResumableUploads } from './resumable-uploads.ts';

/** How an append's body ended: read to its end, cut by a fault (`dropped`, `stalled`), or lost by the client. */
export type AppendEnd = 'ended' | 'dropped' | 'stalled' | 'closed' | 'too-large';

/**
 * Reads the body of `ex` (paused until now) into `upload` at its offset, chunk by chunk, and plays
 * the upload's faults where the body reaches them: `dropAt` writes up to the offset and drops the
 * connection; `stallAt` writes up to it and stops reading, without an answer, until the client
 * gives up. Bytes past `maxSize` are not written (`too-large`). Whatever arrived before a fault or
 * a lost connection is kept: the offset says how much. A request that comes to the upload meanwhile
 * ends this one first (`upload.current`).
 */
export async function receiveAppend(
  ex: Exchange,
  uploads: ResumableUploads,
  upload: ResumableUpload,
): Promise<AppendEnd> {
  let release: () => void = () => undefined;
  // A paused HTTP/2 stream does not close until what it holds is read: read it (unwritten) after the reset.
  const cut = () => {
    ex.reset();
    ex.req.resume();
  };
  // Claimed before any await: a request that checked the same offset meanwhile (Chromium sends a PATCH again by
  // itself when a reused connection fails) would otherwise write the same bytes after these, at the wrong offset.
  upload.current = { cut, done: new Promise<void>((resolve) => (release = resolve)) };
  const file = await uploads.writer(upload);
  let settled = false;
  const ended = new Promise<AppendEnd>((resolve) => {
    let queue = Promise.resolve();
    const finish = (end: AppendEnd) => {
      settled = true;
      resolve(end);
    };
    const settle = (end: AppendEnd) => void queue.then(() => finish(end));
    ex.req.on('data', (chunk: Buffer) => {
      if (settled) return;
      ex.req.pause();
      queue = queue.then(async () => {
        // Bytes that come after the end (an HTTP/2 stream already reset) are not the upload's.
        if (settled) return;
        // A write that fails (the disk) ends the append as a lost connection would: what was written is kept.
        const end = await take(chunk).catch(() => {
          ex.reset();
          return 'closed' as const;
        });
        if (end === undefined) ex.req.resume();
        else finish(end);
      });
    });
    // HTTP/2 ends an aborted request too: the record, updated first, tells whether the body really ended.
    ex.req.once('end', () => settle(ex.record.requestComplete ? 'ended' : 'closed'));
    // An empty body can have ended already: a paused stream still ends when nothing is left to read.
    if (ex.req.readableEnded) settle(ex.record.requestComplete ? 'ended' : 'closed');
    void whenAborted(ex.closed).then(() => settle('closed'));
    ex.req.resume();
  });

  async function take(chunk: Uint8Array): Promise<AppendEnd | undefined> {
    const { offset } = upload;
    const end = offset + chunk.byteLength;
    const { maxSize } = upload.limit;
    if (maxSize !== undefined && end > maxSize) return 'too-large';
    const drop = upload.faults.dropAt.find((at) => at > offset && at <= end);
    const stall = upload.faults.stallAt !== undefined && upload.faults.stallAt > offset && upload.faults.stallAt <= end;
    const cutAt = drop ?? (stall ? (upload.faults.stallAt as number) : undefined);
    if (cutAt === undefined) return void (await file.write(chunk));
    await file.write(chunk.subarray(0, cutAt - offset));
    if (drop !== undefined) {
      upload.faults.dropAt = upload.faults.dropAt.filter((at) => at !== drop);
      ex.reset();
      return 'dropped';
    }
    upload.faults.stallAt = undefined;
    return 'stalled';
  }

  try {
    const end = await ended;
    if (end === 'stalled') await whenAborted(ex.closed);
    return end;
  } finally {
    await file.close();
    upload.current = undefined;
    release();
  }
}
