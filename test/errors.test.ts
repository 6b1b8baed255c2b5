import { describe, expect, it } from 'vitest';
import {
  HTTPError,
  InvalidTransferOptionError,
  isHTTPError,
  isTransferError,
  NetworkError,
  ResponseParseError,
  type TransferOptions,
  TruncatedBodyError,
  transfer,
} from '../lib/index.js';
import { collect, sequence } from './support/collect.js';
import { API, seen } from './support/handlers.js';
import { useMockServer } from './support/mock-server.js';

useMockServer();

describe('failures', () => {
  it.each([404, 500])('fails a %i with ky’s HTTPError carrying status, headers and the body text', async (status) => {
    const { events, error } = await collect(transfer({ url: `${API}/status/${status}`, retry: false }));
    expect(sequence(events)).toEqual(['start', 'headers']);
    expect(error).toBeInstanceOf(HTTPError);
    expect(isHTTPError(error)).toBe(true);
    const httpError = error as HTTPError<string>;
    expect(httpError.response.status).toBe(status);
    expect(httpError.response.headers.get('retry-after')).toBe('3');
    expect(httpError.data).toBe(`failure body for ${status}`);
    expect(httpError.message).toContain(`GET ${API}/status/${status}`);
  });

  it('keeps at most maxErrorBodyBytes of an error body and cancels the rest', async () => {
    const { error } = await collect(transfer({ url: `${API}/huge-error`, maxErrorBodyBytes: 1000 }));
    expect((error as HTTPError<string>).data).toHaveLength(1000);
    expect(seen.cancelled).toContain('/huge-error');
  });

  it('fails a network error with ky’s NetworkError, whose cause is the platform error', async () => {
    const { events, error } = await collect(transfer({ url: `${API}/network-error`, retry: false }));
    expect(sequence(events)).toEqual(['start']);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`GET ${API}/network-error`);
  });

  it('fails a body shorter than its Content-Length, never completing', async () => {
    const { events, error, completed } = await collect(
      transfer({ url: `${API}/truncated`, responseType: 'arrayBuffer', progressInterval: 0, retry: false }),
    );
    expect(completed).toBe(false);
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+']);
    expect(error).toBeInstanceOf(TruncatedBodyError);
    expect(error).toMatchObject({ expected: 1000, received: 500, method: 'GET', url: `${API}/truncated` });
    expect(isTransferError(error, 'TruncatedBodyError')).toBe(true);
    expect((error as Error).cause).toBeDefined();
  });

  it('fails a JSON body that does not parse with ResponseParseError', async () => {
    const { events, error } = await collect(transfer({ url: `${API}/not-json` }));
    expect(sequence(events)).toEqual(['start', 'headers', 'download-progress+']);
    expect(error).toBeInstanceOf(ResponseParseError);
    expect(error).toMatchObject({ text: '{"id": 7,', message: `Response body is not valid JSON: GET ${API}/not-json` });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('rethrows a body stream’s own error, once', async () => {
    const failure = new Error('disk read failed');
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array(10)),
      pull: (controller) => controller.error(failure),
    });
    const { error } = await collect(transfer({ url: `${API}/echo`, method: 'POST', body }));
    expect(error).toBe(failure);
  });
});

describe('invalid input', () => {
  const invalid: [string, Record<string, unknown>, string][] = [
    ['no options object', null as unknown as Record<string, unknown>, 'options'],
    ['an unparseable URL', { url: 'http://exa mple.com:99999/' }, 'url'],
    ['a relative URL with no base', { url: '/relative' }, 'url'],
    ['a URL of the wrong type', { url: 42 }, 'url'],
    ['a method that is no token', { url: `${API}/json`, method: 'GE T' }, 'method'],
    ['an unsupported body', { url: `${API}/echo`, method: 'POST', body: { a: 1 } }, 'body'],
    ['a body on a GET', { url: `${API}/echo`, body: 'x' }, 'body'],
    ['both body and json', { url: `${API}/echo`, method: 'POST', body: 'x', json: {} }, 'body'],
    ['json with a cycle', { url: `${API}/echo`, method: 'POST', json: cyclic() }, 'json'],
    ['an unknown responseType', { url: `${API}/json`, responseType: 'xml' }, 'responseType'],
    ['a sink that is not a WritableStream', { url: `${API}/json`, sink: {} }, 'sink'],
    [
      'a sink with a body shape',
      { url: `${API}/json`, sink: new WritableStream(), responseType: 'text' },
      'responseType',
    ],
    ['a negative keepBytes', { url: `${API}/json`, keepBytes: -1 }, 'keepBytes'],
    ['a NaN progressInterval', { url: `${API}/json`, progressInterval: Number.NaN }, 'progressInterval'],
    ['a zero uploadChunkSize', { url: `${API}/json`, uploadChunkSize: 0 }, 'uploadChunkSize'],
    ['a fractional maxErrorBodyBytes', { url: `${API}/json`, maxErrorBodyBytes: 1.5 }, 'maxErrorBodyBytes'],
    ['a signal that is not an AbortSignal', { url: `${API}/json`, signal: {} }, 'signal'],
  ];

  it.each(invalid)('rejects %s before any network traffic, naming the option', async (_, options, option) => {
    const { events, error } = await collect(transfer(options as unknown as TransferOptions));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option, message: expect.stringContaining(`Invalid option \`${option}\``) });
    expect(seen.requests).toEqual([]);
  });

  it.each([
    ['a malformed header name', { headers: { 'bad name': 'x' } }, 'headers'],
    ['an unknown mode', { mode: 'nowhere' }, 'mode'],
  ])(
    'fails %s, which only fetch judges, after start with the option named and nothing sent',
    async (_, bad, option) => {
      const { events, error } = await collect(transfer({ url: `${API}/json`, ...bad } as unknown as TransferOptions));
      expect(sequence(events)).toEqual(['start']);
      expect(error).toBeInstanceOf(InvalidTransferOptionError);
      expect(error).toMatchObject({ option, cause: expect.any(TypeError) });
      expect(seen.requests).toEqual([]);
    },
  );

  it('names a header that ky refuses while building the request (ky path), before start and with nothing sent', async () => {
    const options = { url: `${API}/json`, headers: { 'bad name': 'x' }, hooks: {} };
    const { events, error } = await collect(transfer(options as unknown as TransferOptions));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(InvalidTransferOptionError);
    expect(error).toMatchObject({ option: 'headers', cause: expect.any(TypeError) });
    expect(seen.requests).toEqual([]);
  });

  it('does not mutate the caller’s options, even frozen ones', async () => {
    const headers = Object.freeze({ 'x-custom': 'yes' });
    const options = Object.freeze({ url: `${API}/echo`, method: 'post', body: 'abc', headers });
    const snapshot = JSON.stringify(options);
    const { error } = await collect(transfer(options));
    expect(error).toBeUndefined();
    expect(JSON.stringify(options)).toBe(snapshot);
    expect(seen.requests[0]?.method).toBe('POST');
  });
});

function cyclic(): unknown {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}
