/**
 * Issue 10, item 1, in Node: a cancelled upload must never be stored as complete by a real
 * server. nginx's WebDAV PUT stores whatever body ends cleanly, however short, with 201; so each
 * body kind is cut short 20 times by each trigger, with one core kept busy, over HTTP/2 (undici
 * with `allowH2`) and HTTP/1.1, and then no upload may be found or logged as stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetTransports } from '../lib/transports/transport.js';
import { CANCEL_CASES, cancelRounds } from './support/cancel-upload.js';
import { pattern } from './support/pattern.js';
import { spinThread } from './support/spin-thread.js';
import { useNginx } from './support/use-nginx.js';

const nginx = useNginx();
const ROUNDS = 20;
const BYTES = pattern(8 * 1024 * 1024);

let stopSpinning: (() => Promise<void>) | undefined;
beforeAll(async () => {
  stopSpinning = await spinThread();
});
afterAll(async () => {
  await stopSpinning?.();
});

/**
 * Over HTTP/1.1 only the cuts made inside the library's own call (a progress callback, the
 * source's error) land mid-way: undici writes the body in one chain of microtasks for as long
 * as the socket takes it, so a timer fired after 4-64 MiB of a 64 MiB body (measured), a third
 * of the time after the whole body had gone.
 */
const midwayOverHttp1 = CANCEL_CASES.filter(({ trigger }) => ['progress', 'source-error', 'timeout'].includes(trigger));

describe.each([
  { protocol: 'HTTP/2', origin: () => nginx().h2, logged: 'HTTP/2.0', cases: CANCEL_CASES },
  { protocol: 'HTTP/1.1', origin: () => nginx().h1, logged: 'HTTP/1.1', cases: midwayOverHttp1 },
])('over $protocol', ({ protocol, origin, logged, cases }) => {
  /**
   * Not held, and marked so (the README says it): undici closes an aborted HTTP/2 stream with
   * END_STREAM before its RST_STREAM, so a cut `ReadableStream` body without a length looks
   * complete to nginx (8-17 of 20 stored; plain fetch through undici alike). A body of known size
   * carries its Content-Length, and nginx sees it short. When undici stops doing this, these
   * expected failures fail, and the split goes.
   */
  const undiciEndsIt = ({ kind }: { kind: string }) => protocol === 'HTTP/2' && kind === 'ReadableStream';
  const cancelTwenty = async ({ kind, trigger }: (typeof CANCEL_CASES)[number]) => {
    forgetTransports();
    const { runs, seen } = await cancelRounds(origin(), nginx().h1, { kind, trigger }, BYTES, ROUNDS);
    console.info(
      `${logged} ${kind} ${trigger}: stored ${seen.stored.length}/${ROUNDS}, PUT statuses ${JSON.stringify(seen.statuses)}, unlogged ${seen.unlogged.length}`,
    );
    expect(seen.protocols).toEqual([logged]);
    expect(new Set(runs.flatMap((run) => run.transports))).toEqual(new Set(['fetch-stream']));
    expect(runs.filter((run) => run.ending === 'complete')).toEqual([]);
    if (trigger === 'timeout')
      expect(runs.filter((run) => (run.ending as { phase?: string }).phase !== 'upload')).toEqual([]);
    expect(runs.filter((run) => run.cutAt >= BYTES.byteLength / 2)).toEqual([]);
    expect(seen.stored, `${seen.stored.length} of ${ROUNDS} stored`).toEqual([]);
  };
  it.each(cases.filter((c) => !undiciEndsIt(c)))(
    'nginx stores none of 20 $kind uploads cut short by $trigger',
    cancelTwenty,
  );
  it.fails.each(cases.filter(undiciEndsIt))(
    'nginx stores some of 20 $kind uploads cut short by $trigger (undici ends an aborted HTTP/2 stream cleanly)',
    cancelTwenty,
  );
});
