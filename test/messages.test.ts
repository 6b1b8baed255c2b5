import { firstValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isTransferError,
  type ServerSentEvent,
  type StreamMessageEvent,
  type TransferEvent,
  transfer,
  transferStages,
} from '../lib/index.js';
import { collect } from './support/collect.js';
import { API, type ScriptedAnswer, script, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();
// Loaded before the tests: a drop that came while the parsers loaded would discard the chunks queued
// before it (an errored stream drops its queue), and the tests that drop mid-way look for them.
beforeAll(async () => {
  await import('../lib/messages/receive-messages.js');
  await import('../lib/messages/parse-event-stream.js');
});

/** The event types in order, messages and progress each shown. */
const types = (events: readonly TransferEvent<unknown>[]) => events.map((event) => event.type);

const messagesOf = <M>(events: readonly TransferEvent<unknown, M>[]) =>
  events.filter((event): event is StreamMessageEvent<M> => event.type === 'message').map((event) => event.message);

/** Every way to cut `text`'s UTF-8 bytes in two, as two chunks. */
function cutsOf(text: string): Uint8Array[][] {
  const bytes = new TextEncoder().encode(text);
  return Array.from({ length: bytes.byteLength - 1 }, (_, at) => [bytes.subarray(0, at + 1), bytes.subarray(at + 1)]);
}

/** `text`'s UTF-8 bytes one by one. */
const byteByByte = (text: string) => Array.from(new TextEncoder().encode(text), (byte) => new Uint8Array([byte]));

describe('lines', () => {
  it('delivers each line between headers and complete as soon as its chunk is read, before that chunk’s progress', async () => {
    const url = script('lines', [{ chunks: ['alpha\nbé', 'ta\n', 'gamma'], gap: 20 }]);
    const { events, completed } = await collect(transfer({ url, responseType: 'lines', progressInterval: 0 }));
    expect(completed).toBe(true);
    expect(
      events.map((event) => event.type).filter((type) => type !== 'download-progress' && type !== 'message'),
    ).toEqual(['start', 'headers', 'complete']);
    expect(messagesOf(events)).toEqual(['alpha', 'béta', 'gamma']);
    expect(events.flatMap((event) => (event.type === 'message' ? [event.line] : []))).toEqual([1, 2, 3]);
    // Each terminated line's last byte lies in the chunk whose progress follows it, not in an earlier one.
    const ends = new Map([
      ['alpha', 6],
      ['béta', 12],
    ]);
    events.forEach((event, index) => {
      const end = event.type === 'message' ? ends.get(event.message as string) : undefined;
      if (end === undefined) return;
      const before = events.slice(0, index).findLast((other) => other.type === 'download-progress');
      const after = events.slice(index).find((other) => other.type === 'download-progress');
      expect(before === undefined || (before.type === 'download-progress' && before.loaded < end)).toBe(true);
      expect(after?.type === 'download-progress' && after.loaded >= end).toBe(true);
    });
    const complete = events.at(-1) as Extract<TransferEvent<unknown>, { type: 'complete' }>;
    expect(complete.body).toBeUndefined();
    expect(complete.downloaded).toBe(new TextEncoder().encode('alpha\nbéta\ngamma').byteLength);
  });

  it('lets messages pass progress sampling: each sampled figure counts the bytes of every message before it', async () => {
    const lines = Array.from({ length: 60 }, (_, n) => `line ${n} ✓\n`);
    const url = script('sampled', [{ chunks: lines, gap: 5 }]);
    const { events, completed } = await collect(transfer({ url, responseType: 'lines', progressInterval: 40 }));
    expect(completed).toBe(true);
    expect(messagesOf(events)).toHaveLength(60);
    let bytes = 0;
    for (const event of events) {
      if (event.type === 'message') bytes += new TextEncoder().encode(`${event.message}\n`).byteLength;
      if (event.type === 'download-progress') expect(event.loaded).toBeGreaterThanOrEqual(bytes);
    }
    // Sampled: about one figure per 40 ms over some 300 ms (a flush before each message would give one per read),
    // the last one the whole body.
    const progress = events.filter((event) => event.type === 'download-progress');
    expect(progress.length).toBeLessThanOrEqual(15);
    expect(progress.at(-1)).toMatchObject({ loaded: bytes });
  });

  it('splits at \\n and \\r\\n, keeps blank lines, drops a BOM, and decodes UTF-8 cut at every byte', async () => {
    const text = '\u{feff}one\r\n\r\ntwo ✓ é\nthree 🎉\r\n';
    for (const chunks of [...cutsOf(text), byteByByte(text)]) {
      const url = script('cut', [{ chunks }]);
      const { events } = await collect(transfer({ url, responseType: 'lines' }));
      expect(messagesOf(events)).toEqual(['one', '', 'two ✓ é', 'three 🎉']);
    }
  });

  it('fails with LineTooLongError past maxLineLength, before holding more, and cancels the body', async () => {
    const url = script('long', [{ chunks: ['short\n', 'x'.repeat(40), 'x'.repeat(40)], end: 'hang' }]);
    const { events, error } = await collect(transfer({ url, responseType: 'lines', maxLineLength: 64 }));
    expect(messagesOf(events)).toEqual(['short']);
    expect(isTransferError(error, 'LineTooLongError')).toBe(true);
    expect(error).toMatchObject({ limit: 64, line: 2, message: expect.stringMatching(/^Line 2 of .* 64 characters/) });
    expect(seen.cancelled).toEqual(['/script/long']);
  });

  it('takes a line of exactly maxLineLength characters, its \\r\\n split across chunks', async () => {
    const url = script('exact', [{ chunks: [`${'y'.repeat(8)}\r`, '\n'] }]);
    const { events, completed } = await collect(transfer({ url, responseType: 'lines', maxLineLength: 8 }));
    expect(completed).toBe(true);
    expect(messagesOf(events)).toEqual(['y'.repeat(8)]);
  });

  it('does not retry a line stream that delivered messages, and says why', async () => {
    const url = script('dropped', [{ chunks: ['a\n', 'b\n'], end: 'drop', gap: 50 }]);
    const { events, error } = await collect(transfer({ url, responseType: 'lines', retry: { delay: 0 } }));
    expect(messagesOf(events)).toEqual(['a', 'b']);
    expect(error).toMatchObject({ name: 'NetworkError', notRetried: expect.stringMatching(/deliver them again/) });
  });

  it('retries a line stream that failed before its first message', async () => {
    const url = script('retried', [{ status: 503 }, { chunks: ['after\n'] }]);
    const { events } = await collect(transfer({ url, responseType: 'lines', retry: { delay: 0 } }));
    expect(types(events).filter((type) => type !== 'download-progress')).toEqual([
      'start',
      'headers',
      'retry',
      'start',
      'headers',
      'message',
      'complete',
    ]);
    expect(messagesOf(events)).toEqual(['after']);
  });
});

describe('NDJSON', () => {
  interface Entry {
    level: string;
    n: number;
  }

  it('parses each line as JSON, typed by the caller, passing over blank lines', async () => {
    const url = script('ndjson', [{ chunks: ['{"level":"info","n":1}\r\n\n', '  \n{"level":"warn",', '"n":2}'] }]);
    const messages = await firstValueFrom(
      transferStages<Entry>({ url, responseType: 'ndjson' }).messages$.pipe(toArray()),
    );
    expect(messages).toEqual([
      { level: 'info', n: 1 },
      { level: 'warn', n: 2 },
    ]);
  });

  it('fails on a line that is not JSON with MessageParseError: its number and text', async () => {
    const url = script('bad', [{ chunks: ['{"n":1}\n{"n":\n{"n":3}\n'], end: 'hang' }]);
    const { events, error } = await collect(transfer({ url, responseType: 'ndjson' }));
    expect(messagesOf(events)).toEqual([{ n: 1 }]);
    expect(isTransferError(error, 'MessageParseError')).toBe(true);
    expect(error).toMatchObject({ line: 2, text: '{"n":', cause: expect.any(SyntaxError) });
    expect((error as Error).message).toBe(`Line 2 of the NDJSON stream is not JSON: GET ${url}`);
    expect(seen.cancelled).toEqual(['/script/bad']);
  });

  it("skips lines that are not JSON with badLines: 'skip'", async () => {
    const url = script('skip', [{ chunks: ['{"n":1}\nnot json\n{"n":3}\n'] }]);
    const { events, completed } = await collect(transfer({ url, responseType: 'ndjson', badLines: 'skip' }));
    expect(completed).toBe(true);
    expect(messagesOf(events)).toEqual([{ n: 1 }, { n: 3 }]);
    expect(events.flatMap((event) => (event.type === 'message' ? [event.line] : []))).toEqual([1, 3]);
  });
});

describe('Server-Sent Events', () => {
  const sse = (
    chunks: readonly (string | Uint8Array)[],
    more: Omit<ScriptedAnswer, 'chunks'> = {},
  ): ScriptedAnswer => ({
    headers: { 'content-type': 'text/event-stream' },
    chunks,
    ...more,
  });
  const eventsOf = (events: readonly TransferEvent<unknown, ServerSentEvent>[]) => messagesOf(events);

  it('parses comments, event names, multi-line data, ids and a BOM, cut at every byte', async () => {
    const text = '\u{feff}: hello\r\nevent: greet\r\ndata: a ✓\r\ndata:b\r\nid: 7\r\n\r\n: beat\n\ndata: c\n\n';
    for (const chunks of [byteByByte(text), ...cutsOf(text)]) {
      const url = script('sse', [sse(chunks)]);
      const { events, completed } = await collect(transfer({ url, responseType: 'sse' }));
      expect(completed).toBe(true);
      expect(eventsOf(events)).toEqual([
        { event: 'greet', data: 'a ✓\nb', lastEventId: '7' },
        { event: 'message', data: 'c', lastEventId: '7' },
      ]);
    }
  });

  it('discards an event cut off by the end of the body, and completes when a stream that is not live closes', async () => {
    const url = script('cut-event', [sse(['data: whole\n\ndata: cut'])]);
    const { events, completed } = await collect(transfer({ url, responseType: 'sse' }));
    expect(completed).toBe(true);
    expect(eventsOf(events).map(({ data }) => data)).toEqual(['whole']);
  });

  it("reconnects after a drop with Last-Event-ID, waiting at least the server's retry: time, and goes on", async () => {
    const url = script('drop', [
      sse(['retry: 30\n\nid: 1\ndata: one\n\n', 'id: 2\ndata: two\n\n'], { end: 'drop', gap: 50 }),
      sse(['id: 3\ndata: three\n\n']),
    ]);
    // The backoff (at most 1 ms here) is shorter than the server's 30 ms: the server's time is waited.
    const { events, completed } = await collect(transfer({ url, responseType: 'sse', retry: { delay: 1 } }));
    expect(completed).toBe(true);
    expect(eventsOf(events).map(({ data }) => data)).toEqual(['one', 'two', 'three']);
    const retry = events.find((event) => event.type === 'retry');
    expect(retry).toMatchObject({ attempt: 2, delay: 30, delaySource: 'retry-field', error: { name: 'NetworkError' } });
    const sent = seen.requests.filter((request) => request.url === url);
    expect(sent.map((request) => request.headers.get('last-event-id'))).toEqual([null, '2']);
  });

  it('reconnects a live stream after a normal close, with error undefined, and completes on a 204', async () => {
    const url = script('live', [
      sse(['retry: 5\nid: a\ndata: first\n\n']),
      sse([': nothing new\n\n']),
      sse(['id: b\ndata: second\n\n']),
      { status: 204 },
    ]);
    const { events, completed } = await collect(transfer({ url, responseType: 'sse', live: true, retry: false }));
    expect(completed).toBe(true);
    expect(eventsOf(events).map(({ data }) => data)).toEqual(['first', 'second']);
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries.map((retry) => [retry.error, retry.delay, retry.delaySource])).toEqual([
      [undefined, 5, 'retry-field'],
      [undefined, 5, 'retry-field'],
      [undefined, 5, 'retry-field'],
    ]);
    const sent = seen.requests.filter((request) => request.url === url);
    expect(sent.map((request) => request.headers.get('last-event-id'))).toEqual([null, 'a', 'a', 'b']);
    expect(events.at(-1)).toMatchObject({ type: 'complete', status: 204, body: undefined });
  });

  it('sends the stream’s Last-Event-ID over one the caller gave for the first request', async () => {
    const url = script('stored', [sse(['id: 11\ndata: x\n\n'], { end: 'drop', gap: 50 }), sse([])]);
    await collect(transfer({ url, responseType: 'sse', headers: { 'Last-Event-ID': '10' }, retry: { delay: 0 } }));
    const sent = seen.requests.filter((request) => request.url === url);
    expect(sent.map((request) => request.headers.get('last-event-id'))).toEqual(['10', '11']);
  });

  it('ends on a status the policy does not retry, and retries one it does with backoff', async () => {
    const url = script('statuses', [{ status: 503 }, { status: 404 }]);
    const { events, error } = await collect(transfer({ url, responseType: 'sse', live: true, retry: { delay: 1 } }));
    expect(types(events)).toEqual(['start', 'headers', 'retry', 'start', 'headers']);
    expect(events[2]).toMatchObject({ delaySource: 'backoff' });
    expect(error).toMatchObject({ name: 'HTTPError', notRetried: 'status 404 is not in `retry.statusCodes`' });
  });

  it('counts the retry limit from the last message: a stream that keeps delivering keeps reconnecting', async () => {
    const drop = (id: number) => sse([`id: ${id}\ndata: ${id}\n\n`], { end: 'drop', gap: 50 });
    const url = script('limit', [drop(1), drop(2), drop(3), drop(4), { status: 503 }]);
    const { events, error } = await collect(transfer({ url, responseType: 'sse', retry: { limit: 1, delay: 0 } }));
    expect(eventsOf(events).map(({ data }) => data)).toEqual(['1', '2', '3', '4']);
    // A retry after each drop; the 503 that follows the last message is its one failure past the limit.
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(4);
    expect(error).toMatchObject({ name: 'HTTPError', notRetried: 'the retry limit (1) was reached' });
  });

  it('fails with LineTooLongError when an event not yet complete outgrows maxLineLength', async () => {
    const url = script('sse-long', [sse(['data: ok\n\n', `data: ${'z'.repeat(50)}\n`, `data: ${'z'.repeat(50)}\n`])]);
    const { events, error } = await collect(transfer({ url, responseType: 'sse', maxLineLength: 80 }));
    expect(eventsOf(events).map(({ data }) => data)).toEqual(['ok']);
    expect(error).toMatchObject({ name: 'LineTooLongError', limit: 80, line: undefined });
  });

  it('keeps the download idle limit between messages, which comments and heartbeats reset', async () => {
    const beats = Array.from({ length: 6 }, () => ': beat\n');
    // Seven gaps of 80 ms: 560 ms without a message, under an idle limit of 400 ms.
    const url = script('beats', [sse([...beats, 'data: late\n\n'], { gap: 80 })]);
    const { events, completed } = await collect(
      transfer({ url, responseType: 'sse', timeout: { download: 400 }, retry: false }),
    );
    expect(completed).toBe(true);
    expect(eventsOf(events).map(({ data }) => data)).toEqual(['late']);
    const silent = script('silent', [sse(['data: first\n\n'], { end: 'hang' })]);
    const { error } = await collect(
      transfer({ url: silent, responseType: 'sse', timeout: { download: 100 }, retry: false }),
    );
    expect(error).toMatchObject({ name: 'TimeoutError', phase: 'download' });
  });

  it('aborts the request when unsubscribed, so the server stops', async () => {
    const url = script('endless', [sse(['data: 1\n\n'], { end: 'hang' })]);
    const subscription = transfer({ url, responseType: 'sse' }).subscribe((event) => {
      if (event.type === 'message') subscription.unsubscribe();
    });
    await expect.poll(() => seen.cancelled).toEqual(['/script/endless']);
  });
});

describe('message options', () => {
  it('refuses live without an event stream or with a ReadableStream body, and digest: require for a message stream', async () => {
    const live = await collect(transfer({ url: `${API}/json`, responseType: 'ndjson', live: true }));
    expect(live.error).toMatchObject({ name: 'InvalidTransferOptionError', option: 'live' });
    const digest = await collect(transfer({ url: `${API}/json`, responseType: 'lines', digest: 'require' }));
    expect(digest.error).toMatchObject({ name: 'InvalidTransferOptionError', option: 'digest' });
    const body = new ReadableStream<Uint8Array>();
    const stream = await collect(
      transfer({ url: `${API}/json`, method: 'POST', body, responseType: 'sse', live: true }),
    );
    expect(stream.error).toMatchObject({ name: 'InvalidTransferOptionError', option: 'live' });
    const length = await collect(transfer({ url: `${API}/json`, responseType: 'lines', maxLineLength: 0 }));
    expect(length.error).toMatchObject({ name: 'InvalidTransferOptionError', option: 'maxLineLength' });
  });
});
