import type { Options as KyOptions, NormalizedOptions } from 'ky';
import type { KyPassThroughOptions, TransferOptions } from './options.js';
import type { FetchFunction } from './transport.js';

const passThroughKeys = [
  'searchParams',
  'prefix',
  'baseUrl',
  'context',
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

/** What the exchange itself decides about the ky call. */
export interface KyCallParts {
  readonly method: string;
  readonly body: BodyInit | undefined;
  readonly contentType: string | undefined;
  readonly signal: AbortSignal;
  readonly fetch: FetchFunction;
  readonly onOptions: (options: Readonly<NormalizedOptions>) => void;
}

/**
 * The ky options for one attempt. ky builds the request (prefix, search params, headers,
 * hooks); rx-transfer turns off what would break its contract: the 10 s timeout that also
 * counts upload time, retries (whose request clone tees and buffers streamed bodies, ky#831),
 * ky's own progress (which clones the response, or is skipped where streams are missing), and
 * ky's error-body read (unbounded in time and up to 10 MiB).
 */
export function kyOptionsFor(options: TransferOptions, parts: KyCallParts): KyOptions {
  const kyOptions: KyOptions = {
    method: parts.method,
    signal: parts.signal,
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    fetch: parts.fetch,
    hooks: {
      ...options.hooks,
      beforeRequest: [
        ...(options.hooks?.beforeRequest ?? []),
        ({ options: normalized }) => {
          parts.onOptions(normalized);
        },
      ],
    },
  };
  const headers = withContentType(options.headers, parts.contentType);
  if (headers !== undefined) kyOptions.headers = headers;
  if (parts.body !== undefined) kyOptions.body = parts.body;
  for (const key of passThroughKeys) {
    if (options[key] !== undefined) Object.assign(kyOptions, { [key]: options[key] });
  }
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
