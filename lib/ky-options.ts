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

/**
 * Node's fetch (undici) tees a streamed request body so that it could follow a redirect, and the
 * branch kept for that is never read: the whole body piles up in memory (nodejs/undici#4058),
 * unless redirects are refused. A streamed body cannot follow a 307 or 308 anyway (its source is
 * gone); browsers do not tee.
 */
const teesStreamedBodies = (globalThis as { process?: { versions?: { undici?: string } } }).process?.versions?.undici;

/** What the exchange itself decides about one attempt's request. */
export interface RequestParts {
  readonly method: string;
  readonly body: BodyInit | undefined;
  readonly contentType: string | undefined;
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
  const headers = withContentType(options.headers, parts.contentType);
  if (headers !== undefined) init.headers = headers as HeadersInit;
  if (parts.body !== undefined) init.body = parts.body;
  if (parts.body instanceof ReadableStream) {
    init.duplex = 'half';
    if (teesStreamedBodies && options.redirect === undefined) init.redirect = 'error';
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

/** Adds the body's Content-Type unless the caller set one; keeps ky's `undefined` (unset) entries. */
function withContentType(headers: KyOptions['headers'], contentType: string | undefined): KyOptions['headers'] {
  if (contentType === undefined) return headers;
  if (headers === undefined) return { 'content-type': contentType };
  if (headers instanceof Headers || Array.isArray(headers)) {
    const merged = new Headers(headers);
    if (!merged.has('content-type')) merged.set('content-type', contentType);
    return merged;
  }
  const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return named ? headers : { ...headers, 'content-type': contentType };
}
