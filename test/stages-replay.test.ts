import { lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HTTPError, type TransferEvent, transferStages } from '../lib/index.js';
import { API, chunkedBody, pattern, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

afterEach(() => {
  vi.restoreAllMocks();
});

const CHUNKS = 2000;
const CHUNK = 1024;

/** Answers the next fetch with a body of `CHUNKS` reads of `CHUNK` bytes (MSW would hand it over whole). */
function answerWithLongBody(): void {
  vi.spyOn(globalThis, 'fetch').mockImplementation(
    async () =>
      new Response(chunkedBody('/long', CHUNKS * CHUNK, CHUNK), {
        headers: { 'content-length': String(CHUNKS * CHUNK) },
      }),
  );
}

/** What a subscriber receives synchronously on subscribing: the replay, before anything live. */
function replayOf<E>(events$: Observable<E>): E[] {
  const replayed: E[] = [];
  events$.subscribe({ next: (event) => replayed.push(event), error: () => undefined }).unsubscribe();
  return replayed;
}

const typesOf = (events: readonly { type: string }[]) => events.map((event) => event.type);

describe('what transferStages replays to late subscribers', () => {
  it('replays the stages and only the latest progress event after a long download with progressInterval 0', async () => {
    answerWithLongBody();
    const stages = transferStages({ url: `${API}/long`, responseType: 'none', progressInterval: 0 });
    const live = await lastValueFrom(stages.events$.pipe(toArray()));
    expect(live.filter((event) => event.type === 'download-progress')).toHaveLength(CHUNKS);

    const late = await lastValueFrom(stages.events$.pipe(toArray()));
    expect(typesOf(late)).toEqual(['start', 'headers', 'download-progress', 'complete']);
    expect(late[2]).toBe(live.at(-2));
    expect(late[2]).toMatchObject({ loaded: CHUNKS * CHUNK, total: CHUNKS * CHUNK, percent: 100 });
    expect(await lastValueFrom(stages.downloadProgress$.pipe(toArray()))).toEqual([live.at(-2)]);
    expect(globalThis.fetch).toHaveBeenCalledTimes(1);
  });

  it('holds at most one progress event per kind while the download runs, and passes the rest on live, in order', async () => {
    answerWithLongBody();
    const stages = transferStages({ url: `${API}/long`, responseType: 'none', progressInterval: 0 });
    const first: TransferEvent<unknown>[] = [];
    const replays: TransferEvent<unknown>[][] = [];
    const lateOnes: TransferEvent<unknown>[][] = [];
    const done = new Promise<void>((resolve) => {
      stages.events$.subscribe({
        next: (event) => {
          first.push(event);
          if (event.type === 'download-progress' && first.length % 400 === 0) {
            const late: TransferEvent<unknown>[] = [];
            lateOnes.push(late);
            stages.events$.subscribe((next) => late.push(next));
            replays.push([...late]);
          }
        },
        complete: resolve,
      });
    });
    await done;
    expect(replays.length).toBeGreaterThanOrEqual(4);
    for (const replay of replays) {
      expect(typesOf(replay)).toEqual(['start', 'headers', 'download-progress']);
    }
    for (const late of lateOnes) {
      const loaded = late.flatMap((event) => (event.type === 'download-progress' ? [event.loaded] : []));
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
      expect(new Set(loaded).size).toBe(loaded.length);
      expect(late.at(-1)).toBe(first.at(-1));
      expect(first.slice(first.indexOf(late[2] as TransferEvent<unknown>))).toEqual(late.slice(2));
    }
  });

  it('replays an upload’s stages with its latest upload and download progress, in lifecycle order', async () => {
    const stages = transferStages({
      url: `${API}/echo`,
      method: 'POST',
      body: pattern(200_000),
      uploadChunkSize: 1000,
      progressInterval: 0,
    });
    const live = await lastValueFrom(stages.events$.pipe(toArray()));
    expect(live.filter((event) => event.type === 'upload-progress').length).toBeGreaterThan(100);
    const late = replayOf(stages.events$);
    expect(typesOf(late)).toEqual(['start', 'upload-progress', 'sent', 'headers', 'download-progress', 'complete']);
    expect(late[1]).toMatchObject({ loaded: 200_000, total: 200_000 });
    expect(seen.requests).toHaveLength(1);
  });

  it('replays the events and then the error of a failed exchange', async () => {
    const stages = transferStages({ url: `${API}/status/503`, retry: false });
    await expect(lastValueFrom(stages.events$)).rejects.toBeInstanceOf(HTTPError);
    const late: string[] = [];
    const error = await new Promise((resolve) =>
      stages.events$.subscribe({ next: (event) => late.push(event.type), error: resolve }),
    );
    expect(late).toEqual(['start', 'headers']);
    expect(error).toBeInstanceOf(HTTPError);
    expect(seen.requests).toHaveLength(1);
  });
});
