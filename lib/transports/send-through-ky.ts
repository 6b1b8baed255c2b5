import ky, { type Options as KyOptions, type NormalizedOptions } from 'ky';
import { type AttemptPlan, refusal, refusedOption, type SentAttempt } from '../core/attempt.js';
import type { TransferOptions } from '../core/options.js';
import { type Check, checkPresent, isPairs, isPlainObject } from '../core/validate-options.js';
import { NetworkError } from '../errors/network-error.js';
import { type RequestParts, requestInit } from './ky-options.js';
import type { FetchFunction } from './transport.js';

const isFunction = (value: unknown) => typeof value === 'function';
const isParam = (value: unknown) =>
  value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');

/** The checks of the options only ky reads, run here so that an app without ky does not carry them. */
const kyChecks: { readonly [K in keyof TransferOptions]?: Check } = {
  searchParams: [
    (value) =>
      typeof value === 'string' ||
      value instanceof URLSearchParams ||
      isPairs(value, isParam) ||
      (isPlainObject(value) && Object.values(value).every((param) => param === undefined || isParam(param))),
    'a string, URLSearchParams, pairs or a plain object of primitives',
  ],
  hooks: [
    (value) =>
      isPlainObject(value) &&
      Object.values(value).every((list) => list === undefined || (Array.isArray(list) && list.every(isFunction))),
    'a plain object of arrays of functions',
  ],
  ky: [isFunction, 'a ky instance'],
};

/**
 * Sends one attempt through ky (a ky instance, `hooks` or `searchParams`): ky builds the `Request`
 * and runs its hooks, and `fetch` carries it. Loaded on demand with ky, by {@link sendAttempt}.
 * The options only ky reads are checked first, before any traffic.
 */
export async function sendThroughKy(
  plan: AttemptPlan,
  fetch: FetchFunction,
  parts: RequestParts,
  start: (url: string) => void,
  startedAt: () => number,
): Promise<SentAttempt> {
  const { options, method, signal } = plan;
  checkPresent(options, kyChecks);
  let sent: Request | undefined;
  // The signal goes to fetch, not into ky's Request: there, Node's fetch would tie a second
  // signal to it (a listener, a WeakRef and a finalizer per request; BENCHMARKS.md).
  const send: FetchFunction = (input, init) => {
    sent = input as Request;
    start(sent.url);
    return fetch(sent, { ...init, signal });
  };
  try {
    let kyOptions = Object.freeze({}) as Readonly<NormalizedOptions>;
    const response = await (options.ky ?? ky)(
      options.url,
      kyOptionsFor(options, { ...parts, signal }, send, (normalized) => {
        kyOptions = normalized;
      }),
    );
    // A beforeRequest hook may answer without any fetch.
    if (sent === undefined) start(response.url || plan.url.href);
    const request = sent ?? new Request(response.url || plan.url, { method });
    return { response, method, url: request.url, request: () => request, kyOptions, startedAt: startedAt() };
  } catch (error) {
    if (plan.upload?.failure() !== undefined) throw plan.upload.failure();
    if (!(error instanceof TypeError) || signal.aborted) throw error;
    if (sent !== undefined) throw new NetworkError(sent, { cause: error });
    // Before any fetch, a TypeError is ky refusing to build the Request: named if one of the caller's options is to blame.
    const option = refusedOption(plan);
    throw option === undefined ? error : refusal(plan, option, error);
  }
}

/**
 * The ky options for one attempt. ky builds the request (prefix, search params, headers,
 * hooks); rx-transfer turns off what would break its contract: the 10 s timeout that also
 * counts upload time, retries (whose request clone tees and buffers streamed bodies, ky#831),
 * ky's own progress (which clones the response, or is skipped where streams are missing), and
 * ky's error-body read (unbounded in time and up to 10 MiB).
 */
function kyOptionsFor(
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
