import { BadRequest } from './bad-request.ts';
import type { Exchange } from './exchange.ts';
import { intOr } from './query-params.ts';
import type { RecordPredicate, RecordStore } from './record-store.ts';
import type { TransferRecord } from './transfer-record.ts';

/** Conditions `GET /records/:id?wait=` can wait for. */
const WAITS = new Map<string, RecordPredicate>([
  ['aborted', (record) => record.clientAborted],
  ['complete', (record) => record.requestComplete],
  ['response', (record) => record.responseComplete],
  ['settled', (record) => record.responseComplete || record.clientAborted || record.serverAborted],
]);

/** Longest wait accepted for `timeout`, in ms. */
const MAX_WAIT_MS = 60_000;

/**
 * `GET /records/:id?wait=aborted|complete|response|settled&timeout=<ms>`: the record for `id` as JSON plus `timedOut`,
 * after waiting (default 5000 ms) for the condition when `wait` is given; 404 when there is no record.
 */
export async function serveRecords(ex: Exchange, store: RecordStore, id: string): Promise<void> {
  const wait = ex.url.searchParams.get('wait');
  if (wait === null) return answer(ex, id, store.get(id), false);
  const predicate = WAITS.get(wait);
  if (!predicate) throw new BadRequest(`wait must be one of ${[...WAITS.keys()].join(', ')}`);
  const timeout = Math.min(intOr(ex.url, 'timeout', 5000), MAX_WAIT_MS);
  const timedOut = await store.waitFor(id, predicate, timeout, ex.closed).then(
    () => false,
    () => true,
  );
  if (!ex.closed.aborted) answer(ex, id, store.get(id), timedOut);
}

function answer(ex: Exchange, id: string, record: TransferRecord | undefined, timedOut: boolean): void {
  if (record) ex.json(200, { ...record, timedOut });
  else ex.json(404, { id, error: 'no record', timedOut });
}
