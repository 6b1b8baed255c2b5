import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRecord } from '../scripts/server/transfer-record.ts';
import {
  RecordStore,
  startTransferServer,
  type TransferRecord,
  type TransferServer,
} from '../scripts/server/transfer-server.ts';

let server: TransferServer;
let session: ClientHttp2Session;

beforeAll(async () => {
  server = await startTransferServer();
  session = connect(server.http2, { rejectUnauthorized: false });
});

afterAll(async () => {
  session?.close();
  await server?.close();
});

/** Pattern bytes as the server makes them: byte i is `i % 251`. */
function pattern(size: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size }, (_, i) => i % 251);
}

const newId = (name: string) => `${name}-${randomUUID()}`;

interface Drained {
  data: Buffer;
  error?: unknown;
}

/** Reads a fetch body to its end or its error. */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<Drained> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of body ?? []) chunks.push(chunk);
    return { data: Buffer.concat(chunks) };
  } catch (error) {
    return { data: Buffer.concat(chunks), error };
  }
}

/** Reads fetch body chunks until at least `bytes` arrived. */
async function readAtLeast(body: ReadableStream<Uint8Array> | null, bytes: number): Promise<number> {
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  let received = 0;
  while (received < bytes) {
    const { value, done } = await reader.read();
    if (done) break;
    received += value.byteLength;
  }
  reader.releaseLock();
  return received;
}

interface H2Reply extends Drained {
  status: number;
  headers: IncomingHttpHeaders;
}

/** Starts an HTTP/2 request on the shared session; sends `body` (or none) and ends the request. */
function h2Request(path: string, headers: OutgoingHttpHeaders = {}, body?: Uint8Array): ClientHttp2Stream {
  const stream = session.request({ ':method': body ? 'POST' : 'GET', ':path': path, ...headers });
  stream.end(body);
  return stream;
}

/** Collects an HTTP/2 response until the stream closes; never rejects (a stream error lands in `error`). */
function h2Collect(stream: ClientHttp2Stream): Promise<H2Reply> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let headers: IncomingHttpHeaders = {};
    let error: unknown;
    stream.on('response', (received) => {
      headers = received;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (streamError) => {
      error = streamError;
    });
    stream.on('close', () => {
      const reply = { status: Number(headers[':status']), headers, data: Buffer.concat(chunks) };
      resolve(error === undefined ? reply : { ...reply, error });
    });
  });
}

const h2Get = (path: string, headers?: OutgoingHttpHeaders) => h2Collect(h2Request(path, headers));

/** Resolves once the HTTP/2 stream has received at least `bytes` body bytes. */
function h2ReadAtLeast(stream: ClientHttp2Stream, bytes: number): Promise<void> {
  let received = 0;
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received >= bytes) resolve();
    });
  });
}

const waitForRecord = (id: string, predicate: (record: TransferRecord) => boolean) =>
  server.records.waitFor(id, predicate, 10_000);

describe('transfer server', () => {
  it('listens on 127.0.0.1 only, plain HTTP/1.1 and TLS', () => {
    expect(new URL(server.http1)).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1' });
    expect(new URL(server.http2)).toMatchObject({ protocol: 'https:', hostname: '127.0.0.1' });
  });

  it('serves a run-time certificate for 127.0.0.1 whose fingerprints it reports, offering h2 by ALPN', async () => {
    const x509 = new X509Certificate(server.certificate.cert);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.fingerprint256).toBe(server.certificate.fingerprint256);
    const spki = createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' }));
    expect(server.certificate.spki).toBe(spki.digest('base64'));
    const { port } = new URL(server.http2);
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: Number(port),
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
    });
    await once(socket, 'secureConnect');
    expect(socket.getPeerCertificate().fingerprint256).toBe(server.certificate.fingerprint256);
    expect(socket.alpnProtocol).toBe('h2');
    socket.destroy();
  });
});

describe('over HTTP/1.1 (fetch)', () => {
  it.each([0, 1, 1000, 300_000])('downloads %i pattern bytes with Content-Length', async (size) => {
    const id = newId('h1-download');
    const response = await fetch(`${server.http1}/download?size=${size}&chunk=7000&id=${id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(size));
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toBe('*');
    const { data, error } = await drain(response.body);
    expect(error).toBeUndefined();
    expect(data.equals(pattern(size))).toBe(true);
    expect(await waitForRecord(id, (record) => record.responseComplete)).toMatchObject({
      id,
      path: '/download',
      method: 'GET',
      protocol: '1.1',
      bytesSent: size,
      requestComplete: true,
      clientAborted: false,
      serverAborted: false,
    });
  });

  it('gzips on request, with the compressed Content-Length and a decoded size hint', async () => {
    const response = await fetch(`${server.http1}/download?size=100000&gzip=1&sizeHint=1`);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(Number(response.headers.get('content-length'))).toBeLessThan(100_000);
    expect(response.headers.get('x-decoded-length')).toBe('100000');
    expect(Buffer.from(await response.arrayBuffer()).equals(pattern(100_000))).toBe(true);
  });

  it('omits Content-Length with length=none', async () => {
    const response = await fetch(`${server.http1}/download?size=5000&length=none`);
    expect(response.headers.get('content-length')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer()).equals(pattern(5000))).toBe(true);
  });

  it('cutAt: declares the full length, then destroys the connection after n bytes', async () => {
    const id = newId('h1-cut');
    const response = await fetch(`${server.http1}/download?size=100000&cutAt=30000&id=${id}`);
    expect(response.headers.get('content-length')).toBe('100000');
    const { data, error } = await drain(response.body);
    expect(error).toBeInstanceOf(Error);
    expect(data.equals(pattern(30_000))).toBe(true);
    expect(server.records.get(id)).toMatchObject({ bytesSent: 30_000, serverAborted: true, clientAborted: false });
  });

  it('length=lie:<n> declares n instead', async () => {
    const response = await fetch(`${server.http1}/download?size=1000&length=lie:5000&cutAt=1000`);
    expect(response.headers.get('content-length')).toBe('5000');
    const { data, error } = await drain(response.body);
    expect(error).toBeInstanceOf(Error);
    expect(data.byteLength).toBe(1000);
  });

  it('dropAt: no Content-Length, then the connection is destroyed after n bytes', async () => {
    const response = await fetch(`${server.http1}/download?size=100000&dropAt=20000`);
    expect(response.headers.get('content-length')).toBeNull();
    const { data, error } = await drain(response.body);
    expect(error).toBeInstanceOf(Error);
    expect(data.equals(pattern(20_000))).toBe(true);
  });

  it('stallAt: sends n bytes, then waits until the client aborts, which is recorded', async () => {
    const id = newId('h1-stall');
    const controller = new AbortController();
    const response = await fetch(`${server.http1}/download?size=100000&stallAt=10000&id=${id}`, {
      signal: controller.signal,
    });
    expect(await readAtLeast(response.body, 10_000)).toBe(10_000);
    expect(server.records.get(id)).toMatchObject({ clientAborted: false, responseComplete: false });
    controller.abort();
    const record = await waitForRecord(id, (seen) => seen.clientAborted);
    expect(record).toMatchObject({ bytesSent: 10_000, responseComplete: false, serverAborted: false });
    expect(record.abortedAt).toBeGreaterThan(0);
  });

  it('records upload arrivals, and readRate slows the upload down', async () => {
    const id = newId('h1-upload');
    const body = pattern(256 * 1024);
    const started = performance.now();
    const response = await fetch(`${server.http1}/upload?id=${id}&readRate=${1024 * 1024}`, { method: 'PUT', body });
    expect(await response.json()).toEqual({ id, bytes: body.byteLength, protocol: '1.1' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    const record = server.records.get(id) as TransferRecord;
    expect(record).toMatchObject({ method: 'PUT', bytesReceived: body.byteLength, requestComplete: true });
    expect(record.arrivals.length).toBeGreaterThan(1);
    expect(record.arrivals.at(-1)?.bytes).toBe(body.byteLength);
    for (const [i, arrival] of record.arrivals.entries()) {
      const previous = record.arrivals[i - 1] ?? { t: 0, bytes: 0 };
      expect(arrival.t).toBeGreaterThanOrEqual(previous.t);
      expect(arrival.bytes).toBeGreaterThan(previous.bytes);
    }
  });

  it('records a client that aborts in the middle of an upload', async () => {
    const id = newId('h1-upload-abort');
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start: (stream) => stream.enqueue(pattern(30_000)),
    });
    const request = fetch(`${server.http1}/upload?id=${id}`, {
      method: 'POST',
      body,
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit);
    await waitForRecord(id, (record) => record.bytesReceived >= 30_000);
    controller.abort();
    await expect(request).rejects.toThrow();
    expect(await waitForRecord(id, (record) => record.clientAborted)).toMatchObject({
      bytesReceived: 30_000,
      requestComplete: false,
      responseComplete: false,
      bytesSent: 0,
    });
  });

  it('failOnce: the first upload with a key reads the whole body, then 503 with Retry-After: 0; the next goes through', async () => {
    const key = newId('fail-once');
    const body = pattern(100_000);
    const first = await fetch(`${server.http1}/upload?failOnce=${key}&id=${key}-1`, { method: 'PUT', body });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('0');
    await first.text();
    expect(server.records.get(`${key}-1`)).toMatchObject({ bytesReceived: 100_000, requestComplete: true });
    const second = await fetch(`${server.http1}/upload?failOnce=${key}&id=${key}-2`, { method: 'PUT', body });
    expect(await second.json()).toEqual({ id: `${key}-2`, bytes: 100_000, protocol: '1.1' });
  });

  it('failOnce with dropAt: the first upload with a key is cut once n bytes arrived; the next goes through', async () => {
    const key = newId('drop-once');
    const body = pattern(4 * 1024 * 1024);
    const url = `${server.http1}/upload?failOnce=${key}&dropAt=65536`;
    await expect(fetch(`${url}&id=${key}-1`, { method: 'PUT', body })).rejects.toThrow();
    const cut = await waitForRecord(`${key}-1`, (record) => record.serverAborted);
    expect(cut.bytesReceived).toBeGreaterThanOrEqual(65_536);
    expect(cut.bytesReceived).toBeLessThan(body.byteLength);
    const second = await fetch(`${url}&id=${key}-2`, { method: 'PUT', body });
    expect(await second.json()).toMatchObject({ bytes: body.byteLength });
  });

  it('answers a status with its Retry-After and body', async () => {
    const unavailable = await fetch(`${server.http1}/status/503?retryAfter=7`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('7');
    expect(await unavailable.text()).toBe('status 503 body');
    const created = await fetch(`${server.http1}/status/201?body=made`, { method: 'POST', body: 'x' });
    expect(created.status).toBe(201);
    expect(created.headers.get('retry-after')).toBeNull();
    expect(await created.text()).toBe('made');
  });

  it('answers CORS preflights with 204, allowing everything including the private network', async () => {
    const id = newId('preflight');
    const response = await fetch(`${server.http1}/upload?id=${id}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-test-id',
        'access-control-request-private-network': 'true',
      },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': '*',
      'access-control-allow-headers': '*',
      'access-control-max-age': '600',
      'access-control-allow-private-network': 'true',
    });
    expect(server.records.get(id)).toBeUndefined();
  });

  it('GET /records/:id?wait=aborted answers once the client has aborted', async () => {
    const id = newId('h1-records');
    const controller = new AbortController();
    const download = await fetch(`${server.http1}/download?size=50000&stallAt=1000&id=${id}`, {
      signal: controller.signal,
    });
    await readAtLeast(download.body, 1000);
    const waiting = fetch(`${server.http1}/records/${id}?wait=aborted&timeout=10000`);
    controller.abort();
    const response = await waiting;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id, clientAborted: true, bytesSent: 1000, timedOut: false });
  });

  it('GET /records/:id answers with timedOut when the wait runs out, and 404 for unknown ids', async () => {
    const id = newId('h1-timeout');
    await (await fetch(`${server.http1}/status/200?id=${id}`)).text();
    const waited = await fetch(`${server.http1}/records/${id}?wait=aborted&timeout=50`);
    expect(await waited.json()).toMatchObject({ id, clientAborted: false, responseComplete: true, timedOut: true });
    const unknown = await fetch(`${server.http1}/records/${newId('never')}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ timedOut: false });
  });

  it('takes the test id from the x-test-id header too, and echoes request headers', async () => {
    const id = newId('h1-echo');
    const response = await fetch(`${server.http1}/echo-headers`, { headers: { 'x-test-id': id, 'x-custom': 'yes' } });
    expect(await response.json()).toMatchObject({ 'x-test-id': id, 'x-custom': 'yes' });
    expect(server.records.get(id)).toMatchObject({ path: '/echo-headers' });
  });

  it('delays headers on /slow-headers, and records a client that gives up waiting', async () => {
    const started = performance.now();
    const slow = await fetch(`${server.http1}/slow-headers?ms=100`);
    expect(await slow.text()).toBe('headers after 100 ms');
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    const id = newId('h1-slow');
    const controller = new AbortController();
    const request = fetch(`${server.http1}/slow-headers?ms=60000&id=${id}`, { signal: controller.signal });
    await waitForRecord(id, () => true);
    controller.abort();
    await expect(request).rejects.toThrow();
    expect(await waitForRecord(id, (record) => record.clientAborted)).toMatchObject({ bytesSent: 0 });
  });

  it('answers 404, 405 and 400 for unknown routes, wrong methods and bad queries', async () => {
    expect((await fetch(`${server.http1}/nowhere`)).status).toBe(404);
    const wrongMethod = await fetch(`${server.http1}/download`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    const bad = await fetch(`${server.http1}/download?size=-1`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/size/);
  });
});

describe('over HTTP/1.1 on the TLS listener (ALPN http/1.1)', () => {
  it('serves the same routes', async () => {
    const id = newId('tls-h1');
    const body = await new Promise<Buffer>((resolve, reject) => {
      const request = httpsRequest(`${server.http2}/download?size=3000&id=${id}`, { rejectUnauthorized: false });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks)));
      });
      request.on('error', reject);
      request.end();
    });
    expect(body.equals(pattern(3000))).toBe(true);
    expect(await waitForRecord(id, (record) => record.responseComplete)).toMatchObject({ protocol: '1.1' });
  });
});

describe('over HTTP/2 (node:http2)', () => {
  it.each([0, 1, 1000, 300_000])('downloads %i pattern bytes with Content-Length', async (size) => {
    const id = newId('h2-download');
    const reply = await h2Get(`/download?size=${size}&id=${id}`);
    expect(reply.error).toBeUndefined();
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(size));
    expect(reply.headers['access-control-allow-origin']).toBe('*');
    expect(reply.data.equals(pattern(size))).toBe(true);
    expect(await waitForRecord(id, (record) => record.responseComplete)).toMatchObject({
      protocol: '2',
      bytesSent: size,
      requestComplete: true,
      clientAborted: false,
    });
  });

  it('gzips on request, with the compressed Content-Length', async () => {
    const reply = await h2Get('/download?size=100000&gzip=1', { 'accept-encoding': 'gzip' });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(Number(reply.headers['content-length'])).toBe(reply.data.byteLength);
    expect(gunzipSync(reply.data).equals(pattern(100_000))).toBe(true);
  });

  it('omits Content-Length with length=none', async () => {
    const reply = await h2Get('/download?size=5000&length=none');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.data.equals(pattern(5000))).toBe(true);
  });

  it('cutAt: resets the stream after exactly n bytes', async () => {
    const id = newId('h2-cut');
    const reply = await h2Get(`/download?size=100000&cutAt=30000&id=${id}`);
    expect(reply.headers['content-length']).toBe('100000');
    expect(reply.error).toMatchObject({ code: 'ERR_HTTP2_STREAM_ERROR' });
    expect(reply.data.equals(pattern(30_000))).toBe(true);
    expect(server.records.get(id)).toMatchObject({ serverAborted: true, clientAborted: false });
  });

  it('dropAt: no Content-Length, then the stream is reset after n bytes', async () => {
    const reply = await h2Get('/download?size=100000&dropAt=20000');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.error).toMatchObject({ code: 'ERR_HTTP2_STREAM_ERROR' });
    expect(reply.data.equals(pattern(20_000))).toBe(true);
  });

  it('stallAt: a client that cancels the stream is recorded as aborted', async () => {
    const id = newId('h2-stall');
    const stream = h2Request(`/download?size=100000&stallAt=10000&id=${id}`);
    const closed = h2Collect(stream);
    await h2ReadAtLeast(stream, 10_000);
    stream.close(constants.NGHTTP2_CANCEL);
    await closed;
    expect(await waitForRecord(id, (record) => record.clientAborted)).toMatchObject({
      bytesSent: 10_000,
      responseComplete: false,
      serverAborted: false,
    });
  });

  it('records upload arrivals, and readRate slows the upload down through flow control', async () => {
    const id = newId('h2-upload');
    const body = pattern(256 * 1024);
    const started = performance.now();
    const reply = await h2Collect(h2Request(`/upload?id=${id}&readRate=${1024 * 1024}`, {}, body));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(JSON.parse(reply.data.toString())).toEqual({ id, bytes: body.byteLength, protocol: '2' });
    const record = server.records.get(id) as TransferRecord;
    expect(record).toMatchObject({ method: 'POST', bytesReceived: body.byteLength, requestComplete: true });
    expect(record.arrivals.length).toBeGreaterThan(1);
    expect(record.arrivals.at(-1)?.bytes).toBe(body.byteLength);
  });

  it('records a client that resets the stream in the middle of an upload', async () => {
    const id = newId('h2-upload-abort');
    const stream = session.request({ ':method': 'POST', ':path': `/upload?id=${id}` });
    const closed = h2Collect(stream);
    stream.write(pattern(30_000));
    await waitForRecord(id, (record) => record.bytesReceived >= 30_000);
    // destroy() sends RST_STREAM alone, as browsers do; close(code) would first end the body with END_STREAM.
    stream.destroy();
    await closed;
    expect(await waitForRecord(id, (record) => record.clientAborted)).toMatchObject({
      bytesReceived: 30_000,
      requestComplete: false,
      responseComplete: false,
      bytesSent: 0,
    });
  });

  it('respondEarly answers before the body has arrived, then keeps draining it', async () => {
    const id = newId('h2-early');
    const stream = session.request({ ':method': 'POST', ':path': `/upload?id=${id}&respondEarly=1` });
    const replied = h2Collect(stream);
    stream.write(pattern(1000));
    const headers = await new Promise<IncomingHttpHeaders>((resolve) => stream.once('response', resolve));
    expect(headers[':status']).toBe(200);
    stream.end(pattern(1000));
    expect(JSON.parse((await replied).data.toString())).toMatchObject({ id, protocol: '2' });
    const record = await waitForRecord(id, (seen) => seen.requestComplete && seen.responseComplete);
    expect(record).toMatchObject({ bytesReceived: 2000, clientAborted: false });
  });

  it('answers a status with its Retry-After', async () => {
    const reply = await h2Get('/status/429?retryAfter=3');
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('3');
    expect(reply.data.toString()).toBe('status 429 body');
  });

  it('answers CORS preflights with 204', async () => {
    const reply = await h2Get('/upload', { ':method': 'OPTIONS', origin: 'http://localhost:5173' });
    expect(reply.status).toBe(204);
    expect(reply.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': '*',
      'access-control-allow-private-network': 'true',
    });
  });

  it('GET /records/:id?wait=aborted answers once the client has cancelled', async () => {
    const id = newId('h2-records');
    const stream = h2Request(`/download?size=50000&stallAt=1000&id=${id}`);
    const closed = h2Collect(stream);
    await h2ReadAtLeast(stream, 1000);
    const waiting = h2Get(`/records/${id}?wait=aborted&timeout=10000`);
    stream.close(constants.NGHTTP2_CANCEL);
    await closed;
    const reply = await waiting;
    expect(JSON.parse(reply.data.toString())).toMatchObject({
      id,
      protocol: '2',
      clientAborted: true,
      timedOut: false,
    });
  });
});

describe('record store', () => {
  it('keeps the most recent ids only', () => {
    const store = new RecordStore(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) store.open(newRecord(id, '/x', 'GET', '1.1'));
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => store.get(id) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('counts repeated requests with one id and rejects waits that time out', async () => {
    const store = new RecordStore();
    store.open(newRecord('a', '/x', 'GET', '1.1'));
    store.open(newRecord('a', '/y', 'GET', '2'));
    expect(store.get('a')).toMatchObject({ path: '/y', requests: 2 });
    await expect(store.waitFor('a', (record) => record.clientAborted, 20)).rejects.toThrow(/Timed out/);
  });
});

describe('server lifetime', () => {
  it('close() destroys open connections and streams on both listeners', async () => {
    const own = await startTransferServer();
    const controller = new AbortController();
    const h1 = await fetch(`${own.http1}/download?size=100000&stallAt=100`, { signal: controller.signal });
    const h1Body = drain(h1.body);
    const ownSession = connect(own.http2, { rejectUnauthorized: false });
    ownSession.on('error', () => undefined);
    const id = newId('close');
    const h2 = ownSession.request({ ':path': `/slow-headers?ms=60000&id=${id}` });
    const h2Closed = h2Collect(h2);
    await own.records.waitFor(id, () => true, 10_000);
    await own.close();
    expect((await h1Body).error).toBeInstanceOf(Error);
    const h2Reply = await h2Closed;
    expect(h2Reply.status).toBeNaN();
    expect(h2.rstCode).not.toBe(constants.NGHTTP2_NO_ERROR);
    expect(own.records.get(id)).toMatchObject({ serverAborted: true, clientAborted: false });
    ownSession.destroy();
    await expect(fetch(`${own.http1}/status/200`)).rejects.toThrow();
  });

  it('closes itself after lifetimeMs', async () => {
    const own = await startTransferServer({ lifetimeMs: 100 });
    expect((await fetch(`${own.http1}/status/204`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(fetch(`${own.http1}/status/200`)).rejects.toThrow();
    await own.close();
  });
});
