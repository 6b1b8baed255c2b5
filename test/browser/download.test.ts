import { describe, expect, it } from 'vitest';
import { HTTPError, NetworkError, type TransferEvent, TruncatedBodyError, transfer } from '../../lib/index.js';
import { collect, lastOf, progressInvariants, progressOf, sequence, sleep } from '../support/collect.js';
import { pattern } from '../support/pattern.js';
import { engine, engineName, protocols, serverRecord, testId } from './support.js';

/** Subscribes for `ms` and reports what arrived: for a read that neither ends nor fails. */
async function watch(url: string, ms: number) {
  const events: TransferEvent[] = [];
  let ended = false;
  const subscription = transfer({ url, responseType: 'none' }).subscribe({
    next: (event) => events.push(event),
    error: () => {
      ended = true;
    },
    complete: () => {
      ended = true;
    },
  });
  await sleep(ms);
  subscription.unsubscribe();
  return { events, ended };
}

describe.each(protocols)(`downloads in ${engineName} over $protocol`, ({ protocol, origin }) => {
  // WebKit over HTTP/2: a stream the server resets mid-body leaves the body read pending, with no end and no error.
  const resetHangs = engine === 'webkit' && protocol === 'HTTP/2';
  // WebKit over HTTP/1.1: a chunked body whose connection drops mid-body ends as if complete.
  const dropLooksComplete = engine === 'webkit' && protocol === 'HTTP/1.1';

  it('reports a download with its Content-Length total in order, to the byte', async () => {
    const size = 3 * 1024 * 1024 + 17;
    const { events, error } = await collect(
      transfer({ url: `${origin}/download?size=${size}&chunk=65536`, responseType: 'arrayBuffer' }),
    );
    expect(error).toBeUndefined();
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+', 'complete']);
    const progress = progressOf(events, 'download-progress');
    expect(progressInvariants(progress)).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ loaded: size, total: size, percent: 100, totalSource: 'content-length' });
    const body = new Uint8Array(lastOf(events, 'complete').body as ArrayBuffer);
    const expected = pattern(size);
    // Compared in a loop: deep equality of 3 MiB takes seconds in WebKit.
    expect(body.length === size && body.every((byte, i) => byte === expected[i])).toBe(true);
  });

  it('invents no total for a gzip download, whose Content-Length counts compressed bytes', async () => {
    const size = 2 * 1024 * 1024;
    const { events, error } = await collect(
      transfer({ url: `${origin}/download?size=${size}&gzip=1`, responseType: 'none' }),
    );
    expect(error).toBeUndefined();
    expect(lastOf(events, 'headers').headers.get('content-encoding')).toBe('gzip');
    const progress = progressOf(events, 'download-progress');
    expect(progress.every((event) => event.total === undefined && event.percent === undefined)).toBe(true);
    expect(progress.at(-1)?.loaded).toBe(size);
  });

  it.skipIf(resetHangs)('fails a body cut short of its Content-Length with TruncatedBodyError', async () => {
    const { events, error, completed } = await collect(
      transfer({ url: `${origin}/download?size=1000000&cutAt=300000`, responseType: 'none' }),
    );
    expect(completed).toBe(false);
    expect(sequence(events).slice(0, 2)).toEqual(['start', 'headers']);
    expect(error).toBeInstanceOf(TruncatedBodyError);
    expect(error).toMatchObject({ expected: 1_000_000 });
    expect((error as TruncatedBodyError).received).toBeLessThan(1_000_000);
  });

  it.runIf(resetHangs)(
    'leaves the body read pending in WebKit when the server resets the stream mid-body',
    async () => {
      for (const ending of ['cutAt=300000', 'length=none&dropAt=300000']) {
        const { events, ended } = await watch(`${origin}/download?size=1000000&${ending}`, 2_000);
        expect(ended).toBe(false);
        expect(sequence(events).slice(0, 2)).toEqual(['start', 'headers']);
      }
    },
  );

  it.runIf(dropLooksComplete)(
    'ends a chunked body whose connection dropped as complete in WebKit: short, and no error',
    async () => {
      const { events, error, completed } = await collect(
        transfer({ url: `${origin}/download?size=1000000&length=none&dropAt=300000`, responseType: 'none' }),
      );
      expect(error).toBeUndefined();
      expect(completed).toBe(true);
      expect(lastOf(events, 'complete').downloaded).toBeLessThan(1_000_000);
    },
  );

  it.skipIf(resetHangs || dropLooksComplete)(
    'fails a connection dropped mid-body without a length with NetworkError',
    async () => {
      const { error, completed } = await collect(
        transfer({
          url: `${origin}/download?size=1000000&length=none&dropAt=300000`,
          responseType: 'none',
          retry: false,
        }),
      );
      expect(completed).toBe(false);
      expect(error).toBeInstanceOf(NetworkError);
    },
  );

  it.each([404, 503])('fails a %i with HTTPError carrying status and body text', async (status) => {
    const { events, error } = await collect(transfer({ url: `${origin}/status/${status}?retryAfter=7`, retry: false }));
    expect(sequence(events)).toEqual(['start', 'headers']);
    expect(error).toBeInstanceOf(HTTPError);
    const httpError = error as HTTPError<string>;
    expect(httpError.response.status).toBe(status);
    expect(httpError.response.headers.get('retry-after')).toBe('7');
    expect(httpError.data).toBe(`status ${status} body`);
  });

  it('closes the server’s stream when unsubscribed mid-download', async () => {
    const id = testId();
    const events: TransferEvent[] = [];
    const subscription = transfer({
      url: `${origin}/download?id=${id}&size=100000000&stallAt=200000`,
      responseType: 'none',
    }).subscribe((event) => {
      events.push(event);
      if (event.type === 'download-progress') subscription.unsubscribe();
    });
    const record = await serverRecord(origin, id, 'aborted');
    expect(record.clientAborted).toBe(true);
    expect(record.timedOut).toBe(false);
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+']);
  });
});
