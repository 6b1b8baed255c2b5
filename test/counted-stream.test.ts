/**
 * The request body's end in error when an exchange is cancelled: at once when the consumer waits
 * on a read, at its next read otherwise (lib/bodies/counted-stream.ts says why: Chromium's
 * unhandled cancel of an errored body nobody read).
 */
import { describe, expect, it } from 'vitest';
import { type ChunkSource, countedStream } from '../lib/bodies/counted-stream.js';

const reason = new Error('cancelled');

/** A source of `count` chunks of 4 bytes, each after `later` (sync when undefined); counts its releases. */
function source(count: number, later?: Promise<void>) {
  const state = { given: 0, released: 0 };
  const next = (): IteratorResult<Uint8Array, undefined> =>
    state.given < count
      ? { done: false, value: new Uint8Array(4).fill(++state.given) }
      : { done: true, value: undefined };
  const chunks: ChunkSource = {
    next: () => (later === undefined ? next() : later.then(next)),
    return: async () => {
      state.released++;
    },
  };
  return { chunks, state };
}

const listener = () => {
  const seen = { sent: [] as number[], ended: 0, errors: [] as unknown[] };
  return {
    seen,
    listener: {
      onSent: (sent: number) => seen.sent.push(sent),
      onEnd: () => seen.ended++,
      onError: (error: unknown) => seen.errors.push(error),
    },
  };
};

describe('countedStream release', () => {
  it('ends the body in error at once when a read waits on the source', async () => {
    let resolve!: () => void;
    const { chunks, state } = source(3, new Promise<void>((r) => (resolve = r)));
    const { listener: l } = listener();
    const counted = countedStream(chunks, l);
    const reader = counted.stream.getReader();
    const read = reader.read();
    await Promise.resolve();
    expect(counted.release(reason)).toBe(true);
    await expect(read).rejects.toBe(reason);
    resolve();
    expect(state.released).toBe(1);
  });

  it('leaves the body readable until its next read when none waits, then ends it in error', async () => {
    const { chunks, state } = source(3);
    const { listener: l, seen } = listener();
    const counted = countedStream(chunks, l);
    const reader = counted.stream.getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array(4).fill(1));
    expect(counted.release(reason)).toBe(true);
    expect(state.released).toBe(1);
    // Nothing more is counted as sent, and no chunk or clean end follows.
    await expect(reader.read()).rejects.toBe(reason);
    expect(seen.sent).toEqual([]);
    expect(seen.ended).toBe(0);
  });

  it('lets a body released while no read waits be cancelled cleanly (what an aborted fetch does)', async () => {
    const { chunks } = source(3);
    const { listener: l } = listener();
    const counted = countedStream(chunks, l);
    const reader = counted.stream.getReader();
    await reader.read();
    counted.release(reason);
    await expect(reader.cancel(reason)).resolves.toBeUndefined();
  });

  it('closes the body instead when the request is over, and says the fetch will not fail by itself', async () => {
    const { chunks } = source(3);
    const { listener: l } = listener();
    const counted = countedStream(chunks, l);
    const reader = counted.stream.getReader();
    await reader.read();
    expect(counted.release(reason, true)).toBe(false);
    expect((await reader.read()).done).toBe(true);
  });

  it('says a body that went whole fails nothing, and is left as it ended', async () => {
    const { chunks, state } = source(1);
    const { listener: l, seen } = listener();
    const counted = countedStream(chunks, l);
    const reader = counted.stream.getReader();
    await reader.read();
    expect((await reader.read()).done).toBe(true);
    expect(seen).toEqual({ sent: [4], ended: 1, errors: [] });
    expect(counted.release(reason)).toBe(false);
    expect(state.released).toBe(0);
  });
});
