/**
 * Issue 13: resumable uploads against real servers on 127.0.0.1: `@tus/server` with `@tus/file-store`
 * (a server nobody here wrote), and the project's own IETF draft -11 server (scripts/server/,
 * `/resumable/`), over HTTP/1.1 and HTTP/2. Faults come from a TCP proxy (cut or stalled connections)
 * or from the IETF server's own fault modes (an offset moved back, a stall mid-append).
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryStore,
  type ResumableEvent,
  type ResumableUploadOptions,
  resumableUpload,
} from '../lib/resumable/index.js';
import { collect } from './support/collect.js';
import type { CutProxy } from './support/cut-proxy.js';
import { pattern } from './support/pattern.js';
import { eventTypes, progressSetbacks } from './support/resumable-checks.js';
import { startTusServer, type TusServer } from './support/tus-server.js';
import { useTransferServer } from './support/use-transfer-server.js';

const MiB = 1024 * 1024;
const transferServer = useTransferServer();
let tus: TusServer;
beforeAll(async () => {
  tus = await startTusServer({ maxSize: 300 * MiB });
});
afterAll(() => tus?.close());
const proxies: CutProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

/** One server under test: where it takes uploads, and the sha-256 (hex) of what it stored of one. */
interface Target {
  readonly name: string;
  readonly protocol: 'tus' | 'ietf';
  readonly origin: () => string;
  /** The creation endpoint at `origin` (the server's own, or a proxy's), with the IETF server's `query`. */
  readonly endpoint: (origin: string, query?: string) => string;
  readonly storedSha256: (url: string) => Promise<string | undefined>;
}

const ietfSha256 = async (url: string) => {
  const upload = transferServer.server().uploads.get(new URL(url).pathname.split('/').pop() ?? '');
  return upload && Buffer.from(await transferServer.server().uploads.sha256(upload), 'base64').toString('hex');
};
const targets: Target[] = [
  {
    name: '@tus/server (HTTP/1.1)',
    protocol: 'tus',
    origin: () => new URL(tus.endpoint).origin,
    endpoint: (origin) => `${origin}/files/`,
    storedSha256: (url) => tus.sha256(url).catch(() => undefined),
  },
  ...(['http1', 'http2'] as const).map(
    (face): Target => ({
      name: `the IETF draft -11 server (${face === 'http1' ? 'HTTP/1.1' : 'HTTP/2'})`,
      protocol: 'ietf',
      origin: () => transferServer.server()[face],
      endpoint: (origin, query = '') => `${origin}/resumable/${query}`,
      storedSha256: ietfSha256,
    }),
  ),
];
const ietf = targets.slice(1);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const run = (options: ResumableUploadOptions) =>
  collect(resumableUpload({ progressInterval: 0, store: memoryStore(), ...options }) as never) as Promise<{
    events: ResumableEvent[];
    error: unknown;
  }>;
const completeOf = (events: readonly ResumableEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== 'complete') throw new Error(`the upload did not complete: ${eventTypes(events).join(', ')}`);
  return last;
};

describe.each(ietf)('the IETF server’s own faults, against $name', (target) => {
  it('says the offset went back when a dropped append had counted more than the server kept', async () => {
    const bytes = pattern(12 * MiB);
    const dropAt = 5 * MiB + 3;
    const { events, error } = await run({
      endpoint: target.endpoint(target.origin(), `?dropAt=${dropAt}`),
      protocol: 'ietf',
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      chunkSize: 4 * MiB,
      retry: { limit: 2, delay: 10 },
    });
    expect(error).toBeUndefined();
    const at = events.findIndex((event) => event.type === 'offset');
    const before = events.slice(0, at).flatMap((event) => (event.type === 'upload-progress' ? [event.loaded] : []));
    expect(Math.max(...before)).toBeGreaterThan(dropAt);
    expect(events[at]).toMatchObject({ offset: dropAt, reason: 'behind' });
    expect(progressSetbacks(events)).toEqual([]);
    expect(await target.storedSha256(completeOf(events).url)).toBe(sha256(bytes));
  });
});
