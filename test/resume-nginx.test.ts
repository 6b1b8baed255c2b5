/**
 * Issue 12: a 64 MiB file that nginx serves (its own Range, If-Range, ETag and Last-Modified, which nobody here
 * wrote) downloaded through a fault proxy that cuts the connection at three random offsets, one per connection:
 * it arrives byte-identical (sha-256) with one continuous progress, into memory and into a sink, over HTTP/1.1 and
 * HTTP/2. When the file changes during a cut (a new mtime, so a new ETag), nginx answers the resumed request with a
 * 200, and a sink that can be truncated starts again from 0.
 */
import { createHash } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TransferEvent, transfer } from '../lib/index.js';
import { readAccessLog } from '../scripts/nginx/read-access-log.ts';
import { collect, lastOf, progressInvariants, progressOf } from './support/collect.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { memorySink } from './support/memory-sink.js';
import { pattern } from './support/pattern.js';
import { restartProblems, resumesOf, statusesOf } from './support/resume-events.js';
import { useNginx } from './support/use-nginx.js';

const nginx = useNginx();
const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const PATH = '/static/resume-64mib.bin';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const FILE_SHA256 = sha256(pattern(SIZE));

/** Three offsets of a connection's response bytes, each in [1 MiB, 17 MiB): the three cuts together stay short of the file. */
const randomCuts = () => Array.from({ length: 3 }, () => MiB + Math.floor(Math.random() * 16 * MiB));

let proxy: FaultProxy | undefined;
/** How many times the file was given a new mtime: each a different hour ahead, so that each ETag is new. */
let touches = 0;
afterEach(async () => {
  await proxy?.close();
});

beforeAll(async () => {
  await mkdir(join(nginx().dir, 'files/static'), { recursive: true });
  await writeFile(join(nginx().dir, 'files', PATH), pattern(SIZE));
});

/** The checks every cut download passes: three resumes, the server's answers, one continuous progress. */
function expectResumedThrice(events: readonly TransferEvent[], cuts: readonly number[]) {
  expect(proxy?.report().cuts).toBe(3);
  const resumes = resumesOf(events) as number[];
  console.info(`cut at ${cuts.join(', ')} response bytes of each connection; resumed from ${resumes.join(', ')}`);
  expect(resumes).toHaveLength(3);
  expect(resumes.every((from, index) => from > (resumes[index - 1] ?? 0))).toBe(true);
  expect(statusesOf(events)).toEqual([200, 206, 206, 206]);
  const progress = progressOf(events, 'download-progress');
  expect(progressInvariants(progress)).toEqual([]);
  expect(progress.every((event) => event.total === SIZE)).toBe(true);
}

describe.each([
  { protocol: 'HTTP/1.1', target: () => nginx().h1, logged: 'HTTP/1.1' },
  { protocol: 'HTTP/2', target: () => nginx().h2, logged: 'HTTP/2.0' },
])('a 64 MiB nginx file over $protocol through a proxy that cuts three connections', ({ target, logged }) => {
  it('arrives in memory byte-identical, resumed three times from the bytes held', async () => {
    const cuts = randomCuts();
    proxy = await startFaultProxy(target(), { direction: 'down', at: cuts, lingerMs: 50 });
    const { events, error } = await collect(
      transfer({ url: `${proxy.origin}${PATH}`, responseType: 'arrayBuffer', retry: { limit: 3, delay: 20 } }),
    );
    expect(error).toBeUndefined();
    expect(sha256(new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer))).toBe(FILE_SHA256);
    expectResumedThrice(events, cuts);
    const served = (await readAccessLog(nginx().h1)).filter((entry) => entry.uri === PATH && entry.protocol === logged);
    expect(served.slice(-4).map((entry) => entry.status)).toEqual([200, 206, 206, 206]);
  });

  it('arrives in a sink byte-identical, only the rest appended at each resume', async () => {
    const cuts = randomCuts();
    proxy = await startFaultProxy(target(), { direction: 'down', at: cuts, lingerMs: 50 });
    const { sink, bytes, state } = memorySink(false);
    const { events, error } = await collect(
      transfer({ url: `${proxy.origin}${PATH}`, sink, retry: { limit: 3, delay: 20 } }),
    );
    expect(error).toBeUndefined();
    expect(state.closed).toBe(true);
    expect(sha256(bytes())).toBe(FILE_SHA256);
    expectResumedThrice(events, cuts);
  });

  it('starts a truncatable sink again from 0 when the file changed during the first cut (a 200 to If-Range)', async () => {
    const cuts = randomCuts();
    const file = join(nginx().dir, 'files', PATH);
    touches++;
    const touched = new Date(Date.now() + touches * 3_600_000);
    const onCut = (index: number) => index === 0 && void utimes(file, touched, touched);
    proxy = await startFaultProxy(target(), { direction: 'down', at: cuts, lingerMs: 50, onCut });
    const { sink, bytes } = memorySink(true);
    // Every progress event: sampled, the restarted body could pass the cut offset before its first event went out
    // (a cut at a random offset, near the start, over loopback), and the restart would not show.
    const { events, error } = await collect(
      transfer({ url: `${proxy.origin}${PATH}`, sink, retry: { limit: 3, delay: 20 }, progressInterval: 0 }),
    );
    expect(error).toBeUndefined();
    expect(sha256(bytes())).toBe(FILE_SHA256);
    expect(statusesOf(events)).toEqual([200, 200, 206, 206]);
    const etags = events.flatMap((event) => (event.type === 'headers' ? [event.headers.get('etag')] : []));
    expect(etags[1]).not.toBe(etags[0]);
    expect(new Set(etags.slice(1)).size).toBe(1);
    const { problems, seen } = restartProblems(events, cuts);
    console.info(seen);
    expect(problems).toEqual([]);
  });
});
