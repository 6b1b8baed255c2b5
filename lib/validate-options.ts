import { InvalidTransferOptionError } from './errors.js';
import type { TransferOptions } from './options.js';
import { describe } from './request-body.js';
import { resolveUrl } from './resolve-url.js';

const responseTypes = new Set(['json', 'text', 'blob', 'arrayBuffer', 'stream', 'none']);
const methodToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The method an exchange will use, upper-cased as fetch normalizes the common ones. */
export function methodOf(options: TransferOptions): string {
  return typeof options?.method === 'string' ? options.method.toUpperCase() : 'GET';
}

/** Throws an {@link InvalidTransferOptionError} naming the first invalid option. */
export function validateOptions(options: TransferOptions): void {
  const method = methodOf(options);
  const url = String(options?.url);
  const fail = (option: string, problem: string): never => {
    throw new InvalidTransferOptionError(option, problem, method, url);
  };
  if (typeof options !== 'object' || options === null) fail('options', `expected an object, got ${describe(options)}`);
  if (typeof options.url !== 'string' && !(options.url instanceof URL)) {
    fail('url', `expected a string or URL, got ${describe(options.url)}`);
  }
  if (resolveUrl(options) === undefined)
    fail('url', 'does not parse as a URL (relative URLs need `baseUrl` or a page)');
  if (options.method !== undefined && (typeof options.method !== 'string' || !methodToken.test(options.method))) {
    fail('method', `not an HTTP method token: ${String(options.method)}`);
  }
  validateBody(options, method, fail);
  if (options.responseType !== undefined && !responseTypes.has(options.responseType)) {
    fail('responseType', `expected one of ${[...responseTypes].join(', ')}, got ${String(options.responseType)}`);
  }
  if (options.sink !== undefined) {
    if (!(options.sink instanceof WritableStream))
      fail('sink', `expected a WritableStream, got ${describe(options.sink)}`);
    if (options.responseType !== undefined && options.responseType !== 'none') {
      fail('responseType', `must be 'none' or absent with a sink, got '${options.responseType}'`);
    }
  }
  validateCount('keepBytes', options.keepBytes, 0, fail);
  validateCount('uploadChunkSize', options.uploadChunkSize, 1, fail);
  validateCount('maxErrorBodyBytes', options.maxErrorBodyBytes, 0, fail);
  if (options.progressInterval !== 'frame') validateCount('progressInterval', options.progressInterval, 0, fail);
  if (options.sizeHintHeader !== undefined && typeof options.sizeHintHeader !== 'string') {
    fail('sizeHintHeader', `expected a header name, got ${describe(options.sizeHintHeader)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    fail('signal', `expected an AbortSignal, got ${describe(options.signal)}`);
  }
}

function validateBody(options: TransferOptions, method: string, fail: (o: string, p: string) => never): void {
  const { body, json } = options;
  if (body !== undefined && json !== undefined) fail('body', 'give either `body` or `json`, not both');
  if ((body !== undefined || json !== undefined) && (method === 'GET' || method === 'HEAD')) {
    fail(body === undefined ? 'json' : 'body', `a ${method} request cannot have a body`);
  }
  if (json !== undefined) {
    try {
      if (JSON.stringify(json) === undefined) fail('json', `${describe(json)} has no JSON form`);
    } catch (error) {
      fail('json', `cannot be serialized: ${(error as Error).message}`);
    }
  }
  if (body !== undefined && !isSupportedBody(body)) fail('body', `unsupported body type ${describe(body)}`);
}

function isSupportedBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof Blob ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof FormData ||
    body instanceof ReadableStream
  );
}

function validateCount(option: string, value: unknown, min: number, fail: (o: string, p: string) => never): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(option, `expected an integer >= ${min}, got ${String(value)}`);
  }
}
