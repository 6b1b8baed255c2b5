import { HttpResponse } from 'msw';
import { isHTTPError, isNetworkError, isTransferError } from '../../lib/index.js';
import { pattern } from './pattern.js';

/**
 * What the mocked server does with one request, written to read well in a counterexample: a status
 * (`'503'`, or `'503 retry-after 1'` with a Retry-After in seconds), `'drop'` (the connection fails
 * before any response), `'cut'` (a 200 whose body stops at 500 of its 1000 bytes), `'stall'` (no
 * response until the client goes away), or `'ok'` (a 200 with a JSON body).
 */
export type Fault = `${number}` | `${number} retry-after ${number}` | 'drop' | 'cut' | 'stall' | 'ok';

/** The statuses a script draws from: each that the default policy retries, and some it does not. */
export const SCRIPT_STATUSES = [408, 413, 429, 500, 502, 503, 504, 400, 404, 501] as const;

/** The fault that request `n` (from 1) meets: the script in turn, its last entry for every later request. */
export function faultAt(script: readonly Fault[], n: number): Fault {
  return script[Math.min(n, script.length) - 1] as Fault;
}

/** The status and Retry-After of a status fault, or `undefined` for the others. */
export function statusOf(fault: Fault): { code: number; retryAfter: number | undefined } | undefined {
  const match = /^(\d{3})(?: retry-after (\d+))?$/.exec(fault);
  if (match === null) return undefined;
  return { code: Number(match[1]), retryAfter: match[2] === undefined ? undefined : Number(match[2]) };
}

/** Waits until `signal` aborts, or `ms` at most: a stalled answer ends when its client goes away. */
function untilAborted(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The mocked response for `fault`. */
export async function answer(fault: Fault, request: Request): Promise<Response> {
  const status = statusOf(fault);
  if (status !== undefined) {
    const headers: Record<string, string> =
      status.retryAfter === undefined ? {} : { 'retry-after': String(status.retryAfter) };
    return HttpResponse.text(`status ${status.code}`, { status: status.code, headers });
  }
  if (fault === 'drop') return HttpResponse.error();
  if (fault === 'stall') {
    await untilAborted(request.signal, 2000);
    return HttpResponse.error();
  }
  if (fault === 'cut') {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(pattern(500));
        setTimeout(() => controller.error(new Error('connection dropped')), 5);
      },
    });
    return new HttpResponse(body, { headers: { 'content-length': '1000' } });
  }
  return HttpResponse.json({ ok: true });
}

/** Whether `error` is what an attempt that met `fault` fails with. */
export function failsWith(error: unknown, fault: Fault): boolean {
  const status = statusOf(fault);
  if (status !== undefined) return isHTTPError(error) && error.response.status === status.code;
  if (fault === 'drop') return isNetworkError(error);
  if (fault === 'cut') return isTransferError(error, 'TruncatedBodyError');
  if (fault === 'stall') return isTransferError(error, 'TimeoutError') && error.phase === 'headers';
  return false;
}

/** The parts of the `retry` option a scenario sets (all of them, so that nothing waits the defaults' seconds). */
export interface ScriptPolicy {
  readonly limit: number;
  readonly delay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
  readonly timeouts: boolean;
  /** `undefined`: the default methods (GET, PUT and the other idempotent ones). */
  readonly methods: readonly string[] | undefined;
}

/** How an exchange over `script` ends when nothing cuts it short: on which attempt, and why it stopped there. */
export interface ScriptEnd {
  readonly attempts: number;
  readonly fault: Fault;
  /** The `notRetried` sentence expected on the error; `undefined` when the policy was not asked. */
  readonly notRetried: string | undefined;
}

/** The end the retry policy leads `script` to, for a request of `method` with a body that can be sent again. */
export function scriptEnd(script: readonly Fault[], policy: ScriptPolicy | false, method: string): ScriptEnd {
  for (let attempt = 1; ; attempt++) {
    const fault = faultAt(script, attempt);
    if (fault === 'ok') return { attempts: attempt, fault, notRetried: undefined };
    if (policy === false || policy.limit === 0) return { attempts: attempt, fault, notRetried: undefined };
    const refusal = refusalOf(fault, attempt - 1, policy, method);
    if (refusal !== undefined) return { attempts: attempt, fault, notRetried: refusal };
  }
}

const IDEMPOTENT = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'];

/** Why the policy does not retry `fault` after `retries` retries, as the library says it; `undefined` when it does. */
function refusalOf(fault: Fault, retries: number, policy: ScriptPolicy, method: string): string | undefined {
  if (retries >= policy.limit) return `the retry limit (${policy.limit}) was reached`;
  const status = statusOf(fault);
  if (status !== undefined) {
    if (![408, 413, 429, 500, 502, 503, 504].includes(status.code))
      return `status ${status.code} is not in \`retry.statusCodes\``;
    if ((status.code === 413 || status.code === 429) && status.retryAfter === undefined)
      return `a ${status.code} without Retry-After is not retried`;
  }
  if (fault === 'stall' && !policy.timeouts) return 'timeouts are not retried (`retry.timeouts` is false)';
  if (!(policy.methods ?? IDEMPOTENT).includes(method))
    return `${method} is not retried once a server may have seen it: list it in \`retry.methods\``;
  return undefined;
}
