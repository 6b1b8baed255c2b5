import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  HTTPError,
  InvalidTransferOptionError,
  TransferAbortError,
  type TransferEvent,
  transfer,
  transferStages,
} from '../../lib/index.js';
import { collect, sequence, sleep } from '../support/collect.js';
import { pattern } from '../support/pattern.js';
import {
  engine,
  engineName,
  forgetOrigins,
  meetOrigin,
  protocols,
  serverRecord,
  testId,
  uploadPath,
} from './support.js';

beforeEach(() => {
  forgetOrigins();
});

describe.each(protocols)(`the lifecycle in ${engineName} over $protocol`, ({ protocol, origin }) => {
  beforeEach(() => meetOrigin(origin));

  // WebKit over HTTP/2 leaves the stream open at the server when a fetch is aborted before its headers.
  const abortReachesServer = !(engine === 'webkit' && protocol === 'HTTP/2');

  it(`aborts before the headers when unsubscribed, and the server ${abortReachesServer ? 'sees it' : 'does not see it in WebKit'}`, async () => {
    const id = testId();
    const events: TransferEvent[] = [];
    const subscription = transfer({ url: `${origin}/slow-headers?id=${id}&ms=20000` }).subscribe((event) =>
      events.push(event),
    );
    for (let i = 0; i < 100 && (await serverRecord(origin, id).catch(() => undefined)) === undefined; i++)
      await sleep(20);
    subscription.unsubscribe();
    if (abortReachesServer) expect((await serverRecord(origin, id, 'aborted')).clientAborted).toBe(true);
    else {
      await sleep(2_000);
      expect((await serverRecord(origin, id)).clientAborted).toBe(false);
    }
    expect(sequence(events)).toEqual(['start']);
  });

  it('ends with TransferAbortError when the caller’s signal aborts mid-download', async () => {
    const id = testId();
    const controller = new AbortController();
    const outcome = collect(
      transfer({
        url: `${origin}/download?id=${id}&size=50000000&stallAt=100000`,
        responseType: 'none',
        signal: controller.signal,
      }),
    );
    await serverRecord(origin, id).catch(() => undefined);
    await sleep(100);
    controller.abort(new Error('user cancelled'));
    const { events, error } = await outcome;
    expect(error).toBeInstanceOf(TransferAbortError);
    expect((error as Error).cause).toEqual(new Error('user cancelled'));
    expect(sequence(events)[0]).toBe('start');
    expect((await serverRecord(origin, id, 'aborted')).clientAborted).toBe(true);
  });

  it.each(['GET', 'POST'])(
    `names a header that ${engineName}’s fetch refuses on a %s, and sends nothing`,
    async (method) => {
      const id = testId();
      const headers = { 'bad name': 'x' };
      const options =
        method === 'POST'
          ? { url: `${origin}/upload?id=${id}`, method, body: pattern(1000), headers }
          : { url: `${origin}/download?id=${id}&size=10`, headers };
      const { events, error } = await collect(transfer(options));
      expect(sequence(events)).toEqual(['start']);
      expect(error).toBeInstanceOf(InvalidTransferOptionError);
      expect(error).toMatchObject({ option: 'headers', cause: expect.any(TypeError) });
      expect(await serverRecord(origin, id).catch(() => 'no record')).toBe('no record');
    },
  );

  it(`fails an upload answered with a 4xx on its path with HTTPError carrying the body text`, async () => {
    const { events, error } = await collect(
      transfer({
        url: `${origin}/status/413?body=too%20large`,
        method: 'POST',
        body: new Blob([pattern(100_000) as BlobPart]),
      }),
    );
    expect(events.filter((event) => event.type === 'start').at(-1)).toMatchObject({ transport: uploadPath(protocol) });
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError<string>).response.status).toBe(413);
    expect((error as HTTPError<string>).data).toBe('too large');
  });

  it('shares one exchange among the stages of an upload', async () => {
    const id = testId();
    const body = new Blob([pattern(2_000_000) as BlobPart]);
    const stages = transferStages<{ bytes: number }>({
      url: `${origin}/upload?id=${id}`,
      method: 'PUT',
      body,
      progressInterval: 0,
    });
    const [progress, headers, result] = await Promise.all([
      lastValueFrom(stages.uploadProgress$.pipe(toArray())),
      firstValueFrom(stages.headers$),
      lastValueFrom(stages.result$),
    ]);
    expect(progress.at(-1)).toMatchObject({ loaded: 2_000_000, total: 2_000_000 });
    expect(headers.status).toBe(200);
    expect(result.bytes).toBe(2_000_000);
    const record = await serverRecord(origin, id);
    expect(record).toMatchObject({ requests: 1, bytesReceived: 2_000_000 });
  });

  it('samples progress at most once per animation frame where there are frames', async () => {
    // Paced, so that the download arrives in many reads; a sink counts the reads of the same download.
    const url = `${origin}/download?size=2000000&chunk=16384&rate=8000000`;
    let reads = 0;
    const sink = new WritableStream<Uint8Array>({
      write() {
        reads++;
      },
    });
    // The page's own frames over the same time: Firefox's can come much faster than 120 Hz on a loaded machine.
    let frames = 0;
    let counting = true;
    const countFrame = () => {
      frames++;
      if (counting) requestAnimationFrame(countFrame);
    };
    requestAnimationFrame(countFrame);
    const { events } = await collect(transfer({ url, sink, progressInterval: 'frame' }));
    counting = false;
    const framed = events.filter((event) => event.type === 'download-progress').map((event) => event.time);
    const elapsed = (framed.at(-1) as number) - (framed[0] as number);
    // One per frame, plus the first event and the final flush before `complete`.
    expect(framed.length).toBeLessThanOrEqual(frames + 2);
    // In Chromium, frames come at up to 120 Hz.
    if (engine === 'chromium') expect(framed.length).toBeLessThanOrEqual(Math.ceil(elapsed / (1000 / 120)) + 2);
    expect(framed.length).toBeLessThanOrEqual(reads);
  });
});
