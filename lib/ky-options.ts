import type { Options as KyOptions, NormalizedOptions } from 'ky';
import type { KyPassThroughOptions, TransferOptions } from './options.js';
import type { FetchFunction } from './transport.js';

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
    // A streamed body cannot follow a redirect (its bytes are gone); the exchange sees the redirect and
    // re-sends a re-readable body whole, or names it. 'manual' also keeps Node's fetch from teeing the
    // body into memory for a redirect it might follow (nodejs/undici#4058).
    if (options.redirect === undefined) init.redirect = 'manual';
  }
  return init;
}

/**
 * The ky options for one attempt. ky builds the request (prefix, search params, headers,
 * hooks); rx-transfer turns off what would break its contract: the 10 s timeout that also
 * counts upload time, retries (whose request clone tees and buffers streamed bodies, ky#831),
 * ky's own progress (which clones the response, or is skipped where streams are missing), and
 * ky's error-body read (unbounded in time and up to 10 MiB).
 */
export function kyOptionsFor(
  options: TransferOptions,
  parts: RequestParts & { readonly signal: AbortSignal },
  fetch: FetchFunction,
  onOptions: (options: Readonly<NormalizedOptions>) => void,
): KyOptions {
  const { searchParams, prefix, baseUrl, context, hooks } = options;
  const kyOptions: KyOptions = {
    ...requestInit(options, parts),
    // Given to ky too, so that the Request its hooks see carries it.
    signal: parts.signal,
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    fetch,
    hooks: {
      ...hooks,
      beforeRequest: [...(hooks?.beforeRequest ?? []), ({ options: normalized }) => onOptions(normalized)],
    },
  } as KyOptions;
  if (searchParams !== undefined) kyOptions.searchParams = searchParams;
  if (prefix !== undefined) kyOptions.prefix = prefix;
  if (baseUrl !== undefined) kyOptions.baseUrl = baseUrl;
  if (context !== undefined) kyOptions.context = context;
  return kyOptions;
}

/** Adds header `name` (lower case) unless the caller set it; keeps ky's `undefined` (unset) entries. */
function withHeader(headers: KyOptions['headers'], name: string, value: string | undefined): KyOptions['headers'] {
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
