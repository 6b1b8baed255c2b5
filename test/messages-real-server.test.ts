/**
 * Issue 14's message streams against the project's real test server (scripts/server/, `/messages`), over
 * HTTP/1.1 and HTTP/2: bodies written a byte at a time, CRLF, a BOM, comments, multi-line data, ids and `retry:`,
 * a drop and the reconnect with `Last-Event-ID`, a 204 that ends a live stream, 100,000 messages in flat memory,
 * and an unsubscribe that the server sees.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type ServerSentEvent, type StreamMessageEvent, type TransferEvent, transfer } from '../lib/index.js';
import { collect } from './support/collect.js';
import { useTransferServer } from './support/use-transfer-server.js';

const { server, faces } = useTransferServer();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const text = (n: number) => `message ${n} é ✓ 🎉`;
const messagesOf = <M>(events: readonly TransferEvent<unknown, M>[]) =>
  events.filter((event): event is StreamMessageEvent<M> => event.type === 'message').map((event) => event.message);
const reads = (events: readonly TransferEvent<unknown>[]) =>
  events.filter((event) => event.type === 'download-progress').length;

describe.each(faces)('message streams against the real test server over $protocol', ({ origin, recorded }) => {
  const messages = (query: string) => `${origin()}/messages?${query}`;

  it('parses an event stream written a byte at a time: CRLF, BOM, comments, multi-line data, event, id, retry', async () => {
    const url = messages('count=4&chunk=1&pace=1&crlf=1&bom=1&comments=1&multiline=1&ids=1&retry=1500&event=tick');
    const { events, completed } = await collect(transfer({ url, responseType: 'sse', progressInterval: 0 }));
    expect(completed).toBe(true);
    expect(messagesOf(events)).toEqual(
      [1, 2, 3, 4].map((n) => ({ event: 'tick', data: `message ${n}\n é ✓ 🎉`, lastEventId: String(n) })),
    );
    const bytes = (events.at(-1) as { downloaded: number }).downloaded;
    // Most bytes came in a read of their own: the messages were split at (nearly) every byte boundary.
    expect(reads(events)).toBeGreaterThan(bytes / 2);
  });

  it('parses NDJSON and lines written a byte at a time, with CRLF and a BOM', async () => {
    const ndjson = await collect(
      transfer<{ n: number; text: string }>({
        url: messages('format=ndjson&count=3&chunk=1&pace=1&crlf=1&bom=1'),
        responseType: 'ndjson',
      }),
    );
    expect(messagesOf(ndjson.events)).toEqual([1, 2, 3].map((n) => ({ n, text: text(n) })));
    const lines = await collect(
      transfer({ url: messages('format=lines&count=3&chunk=1&pace=1&crlf=1&bom=1'), responseType: 'lines' }),
    );
    expect(messagesOf(lines.events)).toEqual([1, 2, 3].map(text));
  });

  it('reconnects after a drop with Last-Event-ID and the server’s retry: time, and gets each message once', async () => {
    const id = crypto.randomUUID();
    const url = messages(`id=${id}&count=6&ids=1&retry=200&dropAt=3`);
    const { events, completed } = await collect(transfer({ url, responseType: 'sse', retry: { delay: 1 } }));
    expect(completed).toBe(true);
    // The server starts after the Last-Event-ID it is sent: 4, 5, 6 follow 1, 2, 3 with none repeated.
    expect(messagesOf<ServerSentEvent>(events).map(({ data }) => data)).toEqual([1, 2, 3, 4, 5, 6].map(text));
    const retry = events.find((event) => event.type === 'retry');
    expect(retry).toMatchObject({ delay: 200, delaySource: 'retry-field', error: { name: 'NetworkError' } });
    const next = events.find((event) => event.type === 'start' && event.attempt === 2);
    expect((next?.time ?? 0) - (retry?.time ?? 0)).toBeGreaterThanOrEqual(198);
    // The server cut the connection after message 3 had gone out, with a FIN: nothing was lost on the way.
    expect(events.findIndex((event) => event.type === 'retry')).toBeGreaterThan(
      events.findIndex((event) => event.type === 'message' && event.message.lastEventId === '3'),
    );
    expect(server().records.get(id)).toMatchObject({ requests: 2, protocol: recorded, responseComplete: true });
  });

  it('reconnects a live stream after each normal close, and a 204 ends it', async () => {
    const id = crypto.randomUUID();
    const url = messages(`id=${id}&count=4&per=2&ids=1&retry=10&noContentFrom=3`);
    const { events, completed } = await collect(transfer({ url, responseType: 'sse', live: true }));
    expect(completed).toBe(true);
    expect(messagesOf<ServerSentEvent>(events).map(({ lastEventId }) => lastEventId)).toEqual(['1', '2', '3', '4']);
    expect(events.filter((event) => event.type === 'retry').map((retry) => retry.error)).toEqual([
      undefined,
      undefined,
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'complete', status: 204 });
    expect(server().records.get(id)).toMatchObject({ requests: 3 });
  });

  it('delivers 100,000 messages with the heap flat: nothing is held per message', async () => {
    const count = 100_000;
    const heap: number[] = [];
    let received = 0;
    const url = messages(`format=ndjson&count=${count}`);
    await new Promise<void>((resolve, reject) => {
      transfer({ url, responseType: 'ndjson' }).subscribe({
        next: (event) => {
          if (event.type !== 'message') return;
          received++;
          if (received % 20_000 === 0) {
            gc();
            heap.push(process.memoryUsage().heapUsed);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(received).toBe(count);
    // 100,000 messages are about 4 MB of text and 100,000 objects: a library that kept them would grow by more.
    const growth = Math.max(...heap) - (heap[0] as number);
    expect(growth).toBeLessThan(2 * 2 ** 20);
  });

  it('aborts the request when unsubscribed: the server sees it and stops generating', async () => {
    const id = crypto.randomUUID();
    const url = messages(`id=${id}&count=10000&every=20`);
    await new Promise<void>((resolve) => {
      let seen = 0;
      const subscription = transfer({ url, responseType: 'sse' }).subscribe((event) => {
        if (event.type === 'message' && ++seen === 3) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    const record = await server().records.waitFor(id, (r) => r.clientAborted, 5000);
    const sent = record.bytesSent;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server().records.get(id)?.bytesSent).toBe(sent);
    expect(sent).toBeLessThan(20 * 40);
  });
});
