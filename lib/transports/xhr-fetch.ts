import type { FetchFunction } from './transport.js';

/** What the XHR transport reports about the request body as the browser sends it. */
export interface XhrUploadListener {
  /** Bytes the browser says it has sent (XHR `upload.onprogress`, every 100-300 ms in Chromium). */
  readonly onSent: (sent: number) => void;
  /** The browser has sent the whole body (XHR `upload.onload`). */
  readonly onEnd: () => void;
}

/** Headers XHR refuses to set; the browser sets them itself. */
const forbiddenHeaders = new Set(['content-length', 'host', 'connection', 'accept-encoding', 'cookie', 'origin']);

/**
 * A fetch-compatible function over `XMLHttpRequest`, for the one capability fetch lacks
 * where request streams are missing: upload progress. ky's `Request` gives the method, URL,
 * headers, credentials and signal; the body is passed in directly, because reading it back
 * out of the `Request` would copy it. The promise resolves at the headers; the body arrives
 * whole when the browser hands it over (XHR exposes no bytes before that), as one chunk.
 */
export function xhrFetch(body: XMLHttpRequestBodyInit | null, listener: XhrUploadListener): FetchFunction {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const signal = init?.signal ?? request.signal;
      if (signal.aborted) return reject(signal.reason);
      const xhr = new XMLHttpRequest();
      let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
      const onAbort = () => xhr.abort();
      const cleanUp = () => signal.removeEventListener('abort', onAbort);
      const fail = (error: unknown) => {
        cleanUp();
        if (controller === undefined) reject(error);
        else controller.error(error);
      };
      xhr.open(request.method, request.url);
      xhr.responseType = 'arraybuffer';
      xhr.withCredentials = request.credentials === 'include';
      request.headers.forEach((value, name) => {
        if (!forbiddenHeaders.has(name)) xhr.setRequestHeader(name, value);
      });
      if (body !== null) {
        xhr.upload.onprogress = (event) => listener.onSent(event.loaded);
        xhr.upload.onload = () => listener.onEnd();
      }
      xhr.onreadystatechange = () => {
        if (xhr.readyState !== XMLHttpRequest.HEADERS_RECEIVED) return;
        const stream = new ReadableStream<Uint8Array>({
          start: (c) => {
            controller = c;
          },
          cancel: () => xhr.abort(),
        });
        resolve(responseFrom(xhr, request.url, stream));
      };
      xhr.onload = () => {
        cleanUp();
        const bytes = new Uint8Array(xhr.response as ArrayBuffer);
        if (bytes.byteLength > 0) controller?.enqueue(bytes);
        controller?.close();
      };
      xhr.onerror = () => fail(new TypeError('Failed to fetch'));
      xhr.onabort = () => fail(signal.reason ?? new DOMException('The request was aborted', 'AbortError'));
      signal.addEventListener('abort', onAbort, { once: true });
      xhr.send(body);
    });
}

function responseFrom(xhr: XMLHttpRequest, requestUrl: string, stream: ReadableStream<Uint8Array>): Response {
  const nullBody = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
  const response = new Response(nullBody ? null : stream, {
    status: xhr.status,
    statusText: xhr.statusText,
    headers: parseHeaders(xhr.getAllResponseHeaders()),
  });
  Object.defineProperty(response, 'url', { value: xhr.responseURL });
  Object.defineProperty(response, 'redirected', { value: xhr.responseURL !== requestUrl });
  return response;
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}
