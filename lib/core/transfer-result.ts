import { map, type Observable } from 'rxjs';
import { ofType } from '../operators/of-type.js';
import type { BodyOf, ExactOptions, JsonTransferOptions } from './body-of.js';
import type { TransferOptions } from './options.js';
import { exchangeEvents } from './transfer.js';

/**
 * The single-result form: the response body once, or the error once, like the old
 * begin/end pair. Cold, cancelled by unsubscribing; works with `lastValueFrom`.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from 'rxjs';
 * import { transferResult } from 'rx-transfer';
 * const user = await lastValueFrom(transferResult<User>({ url: '/api/me' }));
 * ```
 */
export function transferResult<T = unknown, J = unknown>(options: JsonTransferOptions<J, T>): Observable<T>;
export function transferResult<const O extends TransferOptions>(options: ExactOptions<O>): Observable<BodyOf<O>>;
export function transferResult(options: TransferOptions): Observable<unknown> {
  // Unsampled: only `complete` is kept, so sampling the progress would be work (and code) for nothing.
  return exchangeEvents(options).pipe(
    ofType('complete'),
    map((event) => event.body),
  );
}
