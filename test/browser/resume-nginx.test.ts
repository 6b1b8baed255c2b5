/**
 * Issue 12 in Chromium: a 64 MiB file that nginx serves (its own Range, If-Range and ETag) downloaded through a
 * fault proxy (started in Node: test/support/browser-commands.ts) that cuts the connection at three random offsets,
 * one per connection. It arrives byte-identical (sha-256) with one continuous progress into memory, into a sink, and
 * into an OPFS file (`FileSystemWritableFileStream`), where the first cut also changes the file so that nginx answers
 * the resumed request with a 200 and the file is truncated and written again from 0.
 */
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { commands } from 'vitest/browser';
import { type TransferEvent, type TransferOptions, transfer } from '../../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf } from '../support/collect.js';
import { memorySink } from '../support/memory-sink.js';
import { pattern } from '../support/pattern.js';
import { restartProblems, resumesOf, statusesOf } from '../support/resume-events.js';
import { engine } from './support.js';

const nginx = inject('nginx');
const dir = inject('nginxDir');
const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const PATH = '/static/resume-64mib.bin';

const sha256 = async (bytes: Uint8Array | ArrayBuffer) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');

/** Three offsets of a connection's response bytes, each in [1 MiB, 17 MiB): the three cuts together stay short of the file. */
const randomCuts = () => Array.from({ length: 3 }, () => MiB + Math.floor(Math.random() * 16 * MiB));

let fileSha256 = '';
let proxy: string | undefined;

afterEach(async () => {
  if (proxy !== undefined) await commands.closeCutProxy(proxy);
  proxy = undefined;
});

const download = (options: Partial<TransferOptions>) =>
  collect(transfer({ url: `${proxy}${PATH}`, retry: { limit: 3, delay: 20 }, ...options } as TransferOptions));

/** Three resumes from ever later bytes, each a 206, and one continuous progress. */
function expectResumedThrice(events: readonly TransferEvent[], cuts: readonly number[]) {
  const resumes = resumesOf(events) as number[];
  console.info(`cut at ${cuts.join(', ')} response bytes of each connection; resumed from ${resumes.join(', ')}`);
  expect(resumes).toHaveLength(3);
  expect(resumes.every((from, index) => from > (resumes[index - 1] ?? 0))).toBe(true);
  expect(statusesOf(events)).toEqual([200, 206, 206, 206]);
  const progress = progressOf(events, 'download-progress');
  expect(progressInvariants(progress)).toEqual([]);
  expect(progress.every((event) => event.total === SIZE)).toBe(true);
}

describe.runIf(engine === 'chromium').each([
  { protocol: 'HTTP/1.1', target: nginx.h1 },
  { protocol: 'HTTP/2', target: nginx.h2 },
])('a 64 MiB nginx file in Chromium over $protocol through a proxy that cuts three connections', ({ target }) => {
  beforeAll(async () => {
    await commands.servePattern(dir, PATH, SIZE);
    fileSha256 ||= await sha256(pattern(SIZE));
  });

  it('arrives in memory byte-identical, resumed three times from the bytes held', async () => {
    const cuts = randomCuts();
    proxy = await commands.startCutProxy(target, cuts, 50);
    const { events, error } = await download({ responseType: 'arrayBuffer' });
    expect(error).toBeUndefined();
    expect(await sha256(lastOf(events, 'complete').body as ArrayBuffer)).toBe(fileSha256);
    expectResumedThrice(events, cuts);
    expect((await commands.closeCutProxy(proxy))?.cuts).toBe(3);
  });

  it('arrives in a sink byte-identical, only the rest appended at each resume', async () => {
    const cuts = randomCuts();
    proxy = await commands.startCutProxy(target, cuts, 50);
    const { sink, bytes, state } = memorySink(false);
    const { events, error } = await download({ sink });
    expect(error).toBeUndefined();
    expect(state.closed).toBe(true);
    expect(await sha256(bytes())).toBe(fileSha256);
    expectResumedThrice(events, cuts);
  });

  it('arrives in an OPFS file byte-identical, truncated and written from 0 when the file changed at the first cut', async () => {
    const root = await navigator.storage.getDirectory();
    const name = `resume-${crypto.randomUUID()}.bin`;
    const handle = await root.getFileHandle(name, { create: true });
    try {
      const cuts = randomCuts();
      proxy = await commands.startCutProxy(target, cuts, 50, { dir, path: PATH });
      // Every progress event (progressInterval 0): sampled, the restarted body could pass the cut offset before its
      // first event went out, and the restart did not show (failed once in CI, as the Node case had).
      const { events, error } = await download({ sink: await handle.createWritable(), progressInterval: 0 });
      expect(error).toBeUndefined();
      expect(statusesOf(events)).toEqual([200, 200, 206, 206]);
      expect(resumesOf(events)[0]).toBeGreaterThan(0);
      const etags = events.flatMap((event) => (event.type === 'headers' ? [event.headers.get('etag')] : []));
      expect(etags[1]).not.toBe(etags[0]);
      const file = await handle.getFile();
      expect(file.size).toBe(SIZE);
      expect(await sha256(await file.arrayBuffer())).toBe(fileSha256);
      const { problems, seen } = restartProblems(events, cuts);
      console.info(seen);
      expect(problems).toEqual([]);
    } finally {
      await root.removeEntry(name);
    }
  });
});
