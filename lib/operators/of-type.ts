import { filter, type OperatorFunction } from 'rxjs';
import type { TransferEvent, TransferEventType } from '../core/events.js';

/**
 * Keeps only the events of the given types, narrowing the event type.
 *
 * @example
 * ```ts
 * import { ofType, transfer } from 'rx-transfer';
 * transfer({ url: '/big.bin', responseType: 'blob' })
 *   .pipe(ofType('download-progress'))
 *   .subscribe(({ loaded, total }) => console.log(loaded, total));
 * ```
 */
export function ofType<T, K extends TransferEventType, M = unknown>(
  ...types: readonly [K, ...K[]]
): OperatorFunction<TransferEvent<T, M>, Extract<TransferEvent<T, M>, { type: K }>> {
  return filter((event): event is Extract<TransferEvent<T, M>, { type: K }> =>
    (types as readonly string[]).includes(event.type),
  );
}
