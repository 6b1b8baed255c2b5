import { describe } from '../bodies/request-body.js';
import { InvalidTransferOptionError } from '../errors/transfer-errors.js';
import type { TransferOptions } from './options.js';
import { resolveUrl } from './resolve-url.js';

const phases = ['total', 'headers', 'upload', 'download'];
/** A delay `setTimeout` keeps: longer ones fire at once. */
const isDelay = (value: unknown) =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 2 ** 31 - 1;
const responseTypes = ['json', 'text', 'blob', 'arrayBuffer', 'stream', 'none', 'lines', 'ndjson', 'sse'];
/** An HTTP token (RFC 9110): what a method or a header name must be. */
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const bodyTypes = [Blob, ArrayBuffer, URLSearchParams, FormData, ReadableStream];

/**
 * Byte counts and intervals are safe integers: above 2^53 a count can no longer be compared
 * exactly with the bytes that arrived (1e20 === 1e20 + 1).
 */
const count = (min: number) => (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min;
export const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};
export const isPairs = (value: unknown, isPart: (part: unknown) => boolean) =>
  Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(isPart));

const messageTypes: unknown[] = ['lines', 'ndjson', 'sse'];

/** A wait `setTimeout` keeps, 0 included. */
const isWait = (value: unknown) => value === 0 || isDelay(value);
const retryFields: Record<string, (value: unknown) => boolean> = {
  limit: count(0),
  methods: (value) => Array.isArray(value) && value.every((method) => typeof method === 'string' && token.test(method)),
  statusCodes: (value) =>
    Array.isArray(value) && value.every((code) => Number.isInteger(code) && code >= 100 && code <= 599),
  timeouts: (value) => typeof value === 'boolean',
  delay: isWait,
  maxDelay: isWait,
  maxRetryAfter: isWait,
  shouldRetry: (value) => typeof value === 'function',
};

export type Check = readonly [valid: (value: unknown, options: TransferOptions) => boolean, expected: string];

/**
 * The checks of the options that have one, for a value that is not `undefined` (always
 * valid). Only the options present are visited: a request names few of them.
 */
const checks: { readonly [K in keyof TransferOptions]?: Check } = {
  method: [(value) => typeof value === 'string' && token.test(value), 'an HTTP method token'],
  headers: [
    (value) => value instanceof Headers || isPairs(value, () => true) || isPlainObject(value),
    'a Headers, [name, value] pairs or a plain object',
  ],
  sink: [(value) => value instanceof WritableStream && !value.locked, 'an unlocked WritableStream'],
  responseType: [
    (value, options) => responseTypes.includes(value as string) && (options.sink === undefined || value === 'none'),
    `one of ${responseTypes.join(', ')} ('none' or none with a sink)`,
  ],
  keepBytes: [count(0), 'a safe integer >= 0'],
  uploadChunkSize: [count(1), 'a safe integer >= 1'],
  maxErrorBodyBytes: [count(0), 'a safe integer >= 0'],
  progressInterval: [(value) => value === 'frame' || count(0)(value), "a safe integer >= 0 or 'frame'"],
  sizeHintHeader: [(value) => typeof value === 'string' && token.test(value), 'a header name'],
  signal: [(value) => value instanceof AbortSignal, 'an AbortSignal'],
  digest: [
    (value, options) =>
      value === 'check' || value === 'off' || (value === 'require' && !messageTypes.includes(options.responseType)),
    "'check', 'require' or 'off' (no 'require' for messages)",
  ],
  live: [
    (value, options) =>
      typeof value === 'boolean' &&
      options.responseType === 'sse' &&
      !(value && options.body instanceof ReadableStream),
    "a boolean, with responseType 'sse' (a ReadableStream body, sent once, cannot reconnect: give () => stream)",
  ],
  maxLineLength: [count(1), 'a safe integer >= 1'],
  badLines: [(value) => value === 'error' || value === 'skip', "'error' or 'skip'"],
  resume: [
    (value, options) => {
      const state = value as Record<string, unknown>;
      return (
        isPlainObject(value) &&
        options.sink !== undefined &&
        typeof state.url === 'string' &&
        (typeof state.etag === 'string' || typeof state.lastModified === 'string') &&
        count(0)(state.offset) &&
        count(0)(state.total) &&
        (state.offset as number) <= (state.total as number)
      );
    },
    'a resume state { url, etag or lastModified, offset <= total } from a download-progress event, with a sink',
  ],
  retry: [
    (value) =>
      value === false ||
      count(0)(value) ||
      (isPlainObject(value) &&
        Object.entries(value).every(
          ([field, setting]) =>
            setting === undefined || (Object.hasOwn(retryFields, field) && retryFields[field]?.(setting)),
        )),
    'false, a retry limit >= 0, or { limit, methods, statusCodes, timeouts, delay, maxDelay, maxRetryAfter, shouldRetry } (waits 0 to 2^31-1 ms)',
  ],
  timeout: [
    (value) =>
      value === false ||
      (isPlainObject(value) &&
        Object.entries(value).every(
          ([phase, limit]) => phases.includes(phase) && (limit === undefined || limit === false || isDelay(limit)),
        )),
    'false or { total, headers, upload, download } of false or 1 to 2^31-1 ms',
  ],
};

/** The method an exchange will use, upper-cased as fetch normalizes the common ones. */
export function methodOf(options: TransferOptions): string {
  return typeof options?.method === 'string' ? options.method.toUpperCase() : 'GET';
}

/**
 * Throws an {@link InvalidTransferOptionError} naming the first invalid option; returns the
 * absolute URL the request goes to (see {@link resolveUrl}).
 */
export function validateOptions(options: TransferOptions): URL {
  const method = methodOf(options);
  const fail = (option: string, problem: string): never => invalid(options, option, problem);
  const expect = (option: string, valid: unknown, expected: string, value: unknown) =>
    valid || fail(option, `expected ${expected}, got ${show(value)}`);
  expect('options', typeof options === 'object' && options !== null, 'an object', options);
  const { url, body, json } = options;
  expect('url', typeof url === 'string' || url instanceof URL, 'a string or URL', url);
  const resolved = resolveUrl(options) ?? fail('url', 'does not resolve (a relative URL needs `baseUrl` or a page)');
  checkUrl(resolved, method, fail);
  if (body !== undefined && json !== undefined) fail('body', 'give either `body` or `json`, not both');
  const sent = body === undefined ? 'json' : 'body';
  if ((method === 'GET' || method === 'HEAD') && options[sent] !== undefined) fail(sent, `a ${method} has no body`);
  const supported =
    body === undefined ||
    typeof body === 'string' ||
    typeof body === 'function' ||
    ArrayBuffer.isView(body) ||
    bodyTypes.some((type) => body instanceof type);
  expect('body', supported, 'a supported body', body);
  expect('body', !(body instanceof ReadableStream && body.locked), 'an unlocked stream (a stream is sent once)', body);
  let serialized: unknown;
  try {
    serialized = json === undefined || JSON.stringify(json);
  } catch (error) {
    fail('json', `cannot be serialized: ${(error as Error).message}`);
  }
  expect('json', serialized !== undefined, 'a JSON value', json);
  checkPresent(options, checks);
  return resolved;
}

/**
 * Runs the checks of `table` for the options present (a request names few of them), throwing an
 * {@link InvalidTransferOptionError} for the first that fails.
 */
export function checkPresent(options: TransferOptions, table: { readonly [K in keyof TransferOptions]?: Check }): void {
  for (const option in options) {
    const check = table[option as keyof TransferOptions];
    const value = options[option as keyof TransferOptions];
    if (check !== undefined && value !== undefined && !check[0](value, options)) {
      invalid(options, option, `expected ${check[1]}, got ${show(value)}`);
    }
  }
}

/** Throws the {@link InvalidTransferOptionError} for `option` of `options`. */
function invalid(options: TransferOptions, option: string, problem: string): never {
  throw new InvalidTransferOptionError(option, problem, methodOf(options), withoutCredentials(String(options?.url)));
}

/**
 * Only http: and https: carry an exchange; data: and blob: URLs are read with a GET. fetch
 * refuses a URL with credentials (and would send them in the clear): they go in a header.
 */
function checkUrl(
  { protocol, username, password }: URL,
  method: string,
  fail: (option: string, problem: string) => never,
) {
  if (username !== '' || password !== '')
    fail('url', 'has credentials, which fetch refuses: use an Authorization header');
  const readable = (protocol === 'data:' || protocol === 'blob:') && method === 'GET';
  if (!readable && protocol !== 'http:' && protocol !== 'https:') {
    fail('url', `${protocol} is not supported (http:, https:; data: and blob: for a GET)`);
  }
}

/** A URL as error messages show it: credentials removed. */
const withoutCredentials = (url: string) => url.replace(/^([a-z][a-z\d+.-]*:\/\/)[^/?#]*@/i, '$1');

/** A value as error messages show it: primitives as they are, objects by their type. */
function show(value: unknown): string {
  return typeof value === 'object' || typeof value === 'function' ? describe(value) : String(value);
}
