import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { HTTPError, transferResult, transferStages } from '../lib/index.js';
import { sleep } from './support/collect.js';
import { API, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

interface Echo {
  size: number;
}

describe('stages of one transfer', () => {
  it('sends one request however many stages are subscribed', async () => {
    const stages = transferStages<Echo>({
      url: `${API}/echo`,
      method: 'POST',
      body: pattern(50_000),
      progressInterval: 0,
    });
    const [upload, headers, result] = await Promise.all([
      lastValueFrom(stages.uploadProgress$.pipe(toArray())),
      firstValueFrom(stages.headers$),
      lastValueFrom(stages.result$),
    ]);
    expect(seen.requests).toHaveLength(1);
    expect(upload.at(-1)).toMatchObject({ loaded: 50_000, total: 50_000 });
    expect(headers.status).toBe(200);
    expect(result.size).toBe(50_000);
  });

  it('replays a finished exchange to a late subscriber without a new request', async () => {
    const stages = transferStages({ url: `${API}/json` });
    await lastValueFrom(stages.result$);
    const types = await lastValueFrom(stages.events$.pipe(toArray()));
    expect(types.map((event) => event.type)).toEqual(['start', 'headers', 'download-progress', 'complete']);
    expect(await lastValueFrom(stages.complete$)).toMatchObject({ status: 200 });
    expect(seen.requests).toHaveLength(1);
  });

  it('aborts the exchange when every subscriber has left before it ended', async () => {
    const stages = transferStages({ url: `${API}/hang-body` });
    const first = stages.downloadProgress$.subscribe();
    const second = stages.headers$.subscribe();
    await firstValueFrom(stages.downloadProgress$);
    first.unsubscribe();
    await sleep(20);
    expect(seen.cancelled).toEqual([]);
    second.unsubscribe();
    for (let i = 0; i < 100 && seen.cancelled.length === 0; i++) await sleep(10);
    expect(seen.cancelled).toEqual(['/hang-body']);
  });

  it('fails every stage with the one error of the exchange', async () => {
    const stages = transferStages({ url: `${API}/status/503`, retry: false });
    const outcomes = await Promise.allSettled([
      lastValueFrom(stages.headers$),
      lastValueFrom(stages.downloadProgress$),
      lastValueFrom(stages.result$),
    ]);
    const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : undefined));
    expect(reasons[0]).toBeInstanceOf(HTTPError);
    expect(new Set(reasons).size).toBe(1);
    expect(seen.requests).toHaveLength(1);
  });
});

describe('the single-result form', () => {
  it('resolves with the typed body through lastValueFrom', async () => {
    const body = await lastValueFrom(transferResult<{ id: number; name: string }>({ url: `${API}/json` }));
    expect(body).toEqual({ id: 7, name: 'seven' });
  });

  it('emits exactly one value, then completes', async () => {
    const values = await lastValueFrom(transferResult({ url: `${API}/text`, responseType: 'text' }).pipe(toArray()));
    expect(values).toEqual(['héllo wörld']);
  });

  it('rejects once with the failure of whichever step failed', async () => {
    await expect(lastValueFrom(transferResult({ url: `${API}/status/404` }))).rejects.toBeInstanceOf(HTTPError);
  });
});
