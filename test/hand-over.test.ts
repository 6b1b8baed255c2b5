import { firstValueFrom, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ofType, transfer, transferResult, transferStages } from '../lib/index.js';
import { API, pattern } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

const SIZE = 200_000;
const options = { url: `${API}/bytes?size=${SIZE}&chunk=4096`, responseType: 'stream' } as const;

/** Reads a handed-over body to its end. */
async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe('a body handed over unread (responseType: stream)', () => {
  it.each([
    ['firstValueFrom(transferResult(…))', () => firstValueFrom(transferResult(options))],
    ['transferResult(…).pipe(take(1))', () => firstValueFrom(transferResult(options).pipe(take(1)))],
    [
      'firstValueFrom(transfer(…).pipe(ofType(complete)))',
      async () => (await firstValueFrom(transfer(options).pipe(ofType('complete')))).body,
    ],
    ['firstValueFrom(stages.result$)', () => firstValueFrom(transferStages(options).result$)],
  ])('is not aborted when the subscriber leaves on it: %s', async (_, handOver) => {
    const body = await handOver();
    expect(await readAll(body)).toEqual(pattern(SIZE));
  });

  it('is still reached by the caller’s signal afterwards, as a fetch’s body is', async () => {
    const controller = new AbortController();
    const body = await firstValueFrom(transferResult({ ...options, signal: controller.signal }));
    const reader = body.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort(new Error('caller gave up'));
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toThrow();
  });
});
