import type { Options as KyOptions } from 'ky';
import type { KyPassThroughOptions, TransferOptions } from '../core/options.js';
import { inBrowser } from './transport.js';

/** The options that are fetch's own: they go into the `Request` on either path. */
const requestKeys = [
  'credentials',
  'mode',
  'cache',
  'redirect',
  'referrer',
  'referrerPolicy',
  'integrity',
  'keepalive',
  'priority',
] as const satisfies readonly (keyof KyPassThroughOptions)[];

/** What the exchange itself decides about one attempt's request. */
export interface RequestParts {
  readonly method: string;
  readonly body: BodyInit | undefined;
  readonly contentType: string | undefined;
  /** A Content-Length to state unless the caller set one (a streamed body of known size outside browsers). */
  readonly contentLength?: number | undefined;
}

/**
 * Whether the request needs ky: a ky instance (its defaults and hooks), hooks, or search
 * params. Otherwise rx-transfer hands fetch the URL and a `RequestInit` itself, which costs a fraction
 * of ky's per-request work (BENCHMARKS.md); URL building with `prefix` and `baseUrl` is the same on both paths.
 */
export function needsKy(options: TransferOptions): boolean {
  return options.ky !== undefined || options.hooks !== undefined || options.searchParams !== undefined;
}

/** The `RequestInit` of one attempt (no signal): method, headers with the body's Content-Type, body and fetch's own options. */
export function requestInit(options: TransferOptions, parts: RequestParts): RequestInit {
  const init: RequestInit & { duplex?: 'half' } = { method: parts.method };
  for (const key of requestKeys) {
    if (options[key] !== undefined) Object.assign(init, { [key]: options[key] });
  }
  let headers = withHeader(options.headers, 'content-type', parts.contentType);
  if (parts.contentLength !== undefined) headers = withHeader(headers, 'content-length', String(parts.contentLength));
  if (headers !== undefined) init.headers = headers as HeadersInit;
  if (parts.body !== undefined) init.body = parts.body;
  if (parts.body instanceof ReadableStream) {
    init.duplex = 'half';
    // A streamed body cannot follow a redirect (its bytes are gone): the exchange sees the redirect ('manual'
    // in browsers) or Node's refusal of it ('error': in every other mode Node's fetch keeps a copy of the whole
    // body in case it follows one, nodejs/undici#4058), and re-sends a re-readable body whole, or names it.
    if (options.redirect === undefined) init.redirect = inBrowser ? 'manual' : 'error';
  }
  return init;
}

/** Adds header `name` (lower case) unless the caller set it; keeps ky's `undefined` (unset) entries. */
export function withHeader(
  headers: KyOptions['headers'],
  name: string,
  value: string | undefined,
): KyOptions['headers'] {
  if (value === undefined) return headers;
  if (headers === undefined) return { [name]: value };
  if (headers instanceof Headers || Array.isArray(headers)) {
    const merged = new Headers(headers);
    if (!merged.has(name)) merged.set(name, value);
    return merged;
  }
  const named = Object.keys(headers).some((key) => key.toLowerCase() === name);
  return named ? headers : { ...headers, [name]: value };
}

/** The value of header `name` (lower case) among the caller's headers, if set (headers fetch would refuse are judged later). */
export function statedHeader(headers: TransferOptions['headers'], name: string): string | undefined {
  if (headers === undefined) return undefined;
  try {
    const defined =
      headers instanceof Headers || Array.isArray(headers)
        ? headers
        : Object.entries(headers).filter(([, value]) => value !== undefined);
    return new Headers(defined as HeadersInit).get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
