/**
 * The timeout limits against the project's real test server (no MSW here: its interception would
 * refuse the real requests): the server records that the client went away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transfer } from '../lib/index.js';
import { startTransferServer, type TransferServer } from '../scripts/server/transfer-server.ts';
import { collect } from './support/collect.js';

const LIMIT = 300;
/** The acceptance's bound: the limit, 10%, and 100 ms. */
const WITHIN = LIMIT * 1.1 + 100;

describe('the timeout limits against the real test server', () => {
  let server: TransferServer;
  beforeAll(async () => {
    server = await startTransferServer({ lifetimeMs: 120_000 });
  });
  afterAll(() => server.close());

  it('end headers that never come, and the server records the abort', async () => {
    const id = crypto.randomUUID();
    const startedAt = performance.now();
    const { error } = await collect(
      transfer({ url: `${server.http1}/slow-headers?id=${id}&ms=20000`, timeout: { headers: LIMIT }, retry: false }),
    );
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'headers' });
    expect(performance.now() - startedAt).toBeLessThan(WITHIN);
    await expect.poll(() => server.records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
  });

  it('end a download that stalls mid-way, and the server records the abort', async () => {
    const id = crypto.randomUUID();
    const { error } = await collect(
      transfer({
        url: `${server.http1}/download?id=${id}&size=1000000&stallAt=500000`,
        responseType: 'none',
        timeout: { download: LIMIT },
        retry: false,
      }),
    );
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'download', downloaded: 500000 });
    await expect.poll(() => server.records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
  });

  it('bound the read of an error response whose body stalls (a 500 used to wait for it forever)', async () => {
    const id = crypto.randomUUID();
    const startedAt = performance.now();
    const { events, error } = await collect(
      transfer({
        url: `${server.http1}/download?id=${id}&size=100000&stallAt=100&status=500`,
        timeout: { download: LIMIT },
        retry: false,
      }),
    );
    expect(events.map((event) => event.type)).toEqual(['start', 'headers']);
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'download' });
    expect(performance.now() - startedAt).toBeLessThan(WITHIN + 100);
    await expect.poll(() => server.records.get(id)?.clientAborted, { timeout: 5000 }).toBe(true);
  });
});
