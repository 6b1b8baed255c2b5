/**
 * Issue 10, items 2, 4 and 5, in Chromium against nginx: which path an upload takes, that nothing
 * is sent twice unless the server answered without taking it, that an HTTP/2 origin keeps
 * streaming after a failure, that an endpoint needing a Content-Length gets one, and that a
 * redirect has the same outcome every time. nginx's access log counts what arrived.
 */
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { NetworkError, RedirectError, type StartEvent, type TransferEvent, transfer } from '../../lib/index.js';
import { readAccessLog } from '../../scripts/nginx/read-access-log.js';
import { collect, lastOf } from '../support/collect.js';
import { pattern } from '../support/pattern.js';
import { forgetOrigins, testId } from './support.js';

const nginx = inject('nginx');
const SIZE = 1024 * 1024;
const blob = () => new Blob([pattern(SIZE) as BlobPart]);

beforeEach(() => {
  forgetOrigins();
});

/** Lets the page see `origin` speak (nginx sends Timing-Allow-Origin), as any earlier response would. */
async function meet(origin: string): Promise<void> {
  const url = `${origin}/redirected`;
  await (await fetch(url)).arrayBuffer();
  for (let i = 0; i < 100 && performance.getEntriesByName(url).length === 0; i++)
    await new Promise((r) => setTimeout(r, 10));
}

const transports = (events: readonly TransferEvent<unknown>[]) =>
  events.filter((event): event is StartEvent => event.type === 'start').map((event) => event.transport);

/** How nginx logged the requests to `origin` whose target starts with `path`: `METHOD status` each. */
async function logged(origin: string, path: string): Promise<string[]> {
  for (let i = 0; ; i++) {
    // CORS preflights left out: a streamed or PUT upload from another origin is preflighted.
    const entries = (await readAccessLog(origin)).filter(
      (entry) => entry.method !== 'OPTIONS' && entry.uri.startsWith(path),
    );
    if (entries.length > 0 || i === 30) return entries.map((entry) => `${entry.method} ${entry.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('uploads from Chromium to nginx', () => {
  it('go by XHR to an HTTPS origin that speaks only HTTP/1.1: one attempt, one request', async () => {
    const path = `/dav/paths/${testId()}`;
    const { events, error } = await collect(transfer({ url: `${nginx.h1tls}${path}`, method: 'PUT', body: blob() }));
    expect(error).toBeUndefined();
    expect(transports(events)).toEqual(['xhr']);
    expect(lastOf(events, 'headers').status).toBe(201);
    expect(await logged(nginx.h1tls, path)).toEqual(['PUT 201']);
  });

  it('keep streaming to an HTTP/2 origin after a failed upload, which was sent once', async () => {
    await meet(nginx.h2);
    const dropId = testId();
    const dropped = await collect(transfer({ url: `${nginx.h2}/drop?id=${dropId}`, method: 'PUT', body: blob() }));
    expect(dropped.error).toBeInstanceOf(NetworkError);
    expect(transports(dropped.events)).toEqual(['fetch-stream']);
    const path = `/dav/paths/${testId()}`;
    const next = await collect(transfer({ url: `${nginx.h2}${path}`, method: 'PUT', body: blob() }));
    expect(next.error).toBeUndefined();
    expect(transports(next.events)).toEqual(['fetch-stream']);
    expect(await logged(nginx.h2, path)).toEqual(['PUT 201']);
    expect(await logged(nginx.h2, `/drop?id=${dropId}`)).toEqual(['PUT 444']);
  });

  it.each([
    { name: 'HTTP/1.1', origin: () => nginx.h1, meet: false, paths: ['xhr'], log: ['PUT 201'] },
    { name: 'HTTP/2', origin: () => nginx.h2, meet: true, paths: ['fetch-stream', 'xhr'], log: ['PUT 411', 'PUT 201'] },
  ])('reach an endpoint that needs a Content-Length over $name', async ({ origin, meet: known, paths, log }) => {
    if (known) await meet(origin());
    const path = `/length-required/${testId()}`;
    const { events, error } = await collect(transfer({ url: `${origin()}${path}`, method: 'PUT', body: blob() }));
    expect(error).toBeUndefined();
    expect(transports(events)).toEqual(paths);
    expect(lastOf(events, 'headers').status).toBe(201);
    expect(await logged(origin(), path)).toEqual(log);
  });

  it('reach it at once over HTTP/2 when the caller picks a sized transport', async () => {
    await meet(nginx.h2);
    const path = `/length-required/${testId()}`;
    const { events } = await collect(
      transfer({ url: `${nginx.h2}${path}`, method: 'PUT', body: blob(), transport: 'xhr' }),
    );
    expect(transports(events)).toEqual(['xhr']);
    expect(await logged(nginx.h2, path)).toEqual(['PUT 201']);
  });

  it('follow a 307 with a re-readable body the same way every time: re-sent whole, stored whole', async () => {
    for (let round = 0; round < 5; round++) {
      forgetOrigins();
      await meet(nginx.h2);
      const name = `paths/${testId()}`;
      const { events, error } = await collect(
        transfer({ url: `${nginx.h2}/redirect-307/${name}`, method: 'PUT', body: blob(), responseType: 'none' }),
      );
      expect(error).toBeUndefined();
      expect(transports(events)).toEqual(['fetch-stream', 'xhr']);
      expect(lastOf(events, 'headers')).toMatchObject({ status: 201, redirected: true });
      const stored = await fetch(`${nginx.h2}/dav/${name}`);
      expect(new Uint8Array(await stored.arrayBuffer())).toEqual(pattern(SIZE));
    }
  });

  it('fail a ReadableStream body answered with a 307 with a RedirectError, every time, sending it once', async () => {
    for (let round = 0; round < 5; round++) {
      forgetOrigins();
      await meet(nginx.h2);
      const name = `paths/${testId()}`;
      const body = blob().stream();
      const { events, error } = await collect(
        transfer({ url: `${nginx.h2}/redirect-307/${name}`, method: 'PUT', body }),
      );
      expect(error).toBeInstanceOf(RedirectError);
      expect(transports(events)).toEqual(['fetch-stream']);
      expect(await logged(nginx.h2, `/redirect-307/${name}`)).toEqual(['PUT 307']);
      expect((await fetch(`${nginx.h2}/dav/${name}`)).status).toBe(404);
    }
  });
});
