import { InvalidTransferOptionError } from './errors.js';
import type { TransferOptions } from './options.js';
import { describe } from './request-body.js';
import { resolveUrl } from './resolve-url.js';

const responseTypes = ['json', 'text', 'blob', 'arrayBuffer', 'stream', 'none'];
const methodToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const bodyTypes = [Blob, ArrayBuffer, URLSearchParams, FormData, ReadableStream];

const optional =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === undefined || check(value);
const count = (min: number) => optional((value) => Number.isInteger(value) && (value as number) >= min);

/** Each option's check and what it expects, in the order they run; the first failure is reported. */
const checks: readonly [keyof TransferOptions, (value: unknown, options: TransferOptions) => boolean, string][] = [
  ['method', optional((value) => typeof value === 'string' && methodToken.test(value)), 'an HTTP method token'],
  ['sink', optional((value) => value instanceof WritableStream), 'a WritableStream'],
  [
    'responseType',
    (value, options) =>
      value === undefined ||
      (responseTypes.includes(value as string) && (options.sink === undefined || value === 'none')),
    `one of ${responseTypes.join(', ')} ('none' or none with a sink)`,
  ],
  ['keepBytes', count(0), 'an integer >= 0'],
  ['uploadChunkSize', count(1), 'an integer >= 1'],
  ['maxErrorBodyBytes', count(0), 'an integer >= 0'],
  ['progressInterval', (value) => value === 'frame' || count(0)(value), "an integer >= 0 or 'frame'"],
  ['sizeHintHeader', optional((value) => typeof value === 'string'), 'a header name'],
  ['signal', optional((value) => value instanceof AbortSignal), 'an AbortSignal'],
];

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
  const fail = (option: string, problem: string): never => {
    throw new InvalidTransferOptionError(option, problem, method, String(options?.url));
  };
  const expect = (option: string, valid: unknown, expected: string, value: unknown) =>
    valid || fail(option, `expected ${expected}, got ${show(value)}`);
  expect('options', typeof options === 'object' && options !== null, 'an object', options);
  const { url, body, json } = options;
  expect('url', typeof url === 'string' || url instanceof URL, 'a string or URL', url);
  const resolved = resolveUrl(options) ?? fail('url', 'does not resolve (a relative URL needs `baseUrl` or a page)');
  if (body !== undefined && json !== undefined) fail('body', 'give either `body` or `json`, not both');
  const sent = body === undefined ? 'json' : 'body';
  if ((method === 'GET' || method === 'HEAD') && options[sent] !== undefined) fail(sent, `a ${method} has no body`);
  const supported =
    body === undefined ||
    typeof body === 'string' ||
    ArrayBuffer.isView(body) ||
    bodyTypes.some((type) => body instanceof type);
  expect('body', supported, 'a supported body', body);
  let serialized: unknown;
  try {
    serialized = json === undefined || JSON.stringify(json);
  } catch (error) {
    fail('json', `cannot be serialized: ${(error as Error).message}`);
  }
  expect('json', serialized !== undefined, 'a JSON value', json);
  for (const [option, valid, expected] of checks)
    expect(option, valid(options[option], options), expected, options[option]);
  return resolved;
}

/** A value as error messages show it: primitives as they are, objects by their type. */
function show(value: unknown): string {
  return typeof value === 'object' || typeof value === 'function' ? describe(value) : String(value);
}
