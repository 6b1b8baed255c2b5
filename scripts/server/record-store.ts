import { MAX_EARLIER, type TransferRecord } from './transfer-record.ts';

/** Tells whether a record has reached the state a caller waits for. */
export type RecordPredicate = (record: Readonly<TransferRecord>) => boolean;

/** Records of what the server saw, by test id; keeps the most recent `limit` ids. */
export class RecordStore {
  readonly limit: number;
  #records = new Map<string, TransferRecord>();
  #waiters = new Map<string, Set<() => void>>();

  constructor(limit = 1000) {
    this.limit = limit;
  }

  /** A snapshot of the record for `id`, if any. */
  get(id: string): TransferRecord | undefined {
    const record = this.#records.get(id);
    return record && structuredClone(record);
  }

  /**
   * Resolves with a snapshot of the record for `id` once it exists and `predicate` holds (checked on every change);
   * rejects after `timeoutMs`, or when `signal` aborts.
   */
  waitFor(id: string, predicate: RecordPredicate, timeoutMs: number, signal?: AbortSignal): Promise<TransferRecord> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const record = this.#records.get(id);
        if (record && predicate(record)) settle(() => resolve(structuredClone(record)));
      };
      const fail = (reason: unknown) => settle(() => reject(reason));
      const onAbort = () => fail(signal?.reason);
      const timer = setTimeout(
        () => fail(new Error(`Timed out after ${timeoutMs} ms waiting for record ${id}`)),
        timeoutMs,
      );
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        this.#unwatch(id, check);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      if (signal?.aborted) return fail(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#watch(id, check);
      check();
    });
  }

  /**
   * Stores the live `record` of a new request, evicting the oldest id; an older one with the same id moves into its
   * `earlier` list.
   */
  open(record: TransferRecord): void {
    const previous = this.#records.get(record.id);
    if (previous) {
      record.requests = previous.requests + 1;
      record.earlier = [...previous.earlier, previous].slice(-MAX_EARLIER);
      previous.earlier = [];
    }
    this.#records.delete(record.id);
    this.#records.set(record.id, record);
    for (const oldest of this.#records.keys()) {
      if (this.#records.size <= this.limit) break;
      this.#records.delete(oldest);
    }
    this.changed(record.id);
  }

  /** To be called after a stored record changed: wakes the waiters for `id`. */
  changed(id: string): void {
    for (const check of this.#waiters.get(id) ?? []) check();
  }

  #watch(id: string, check: () => void): void {
    const checks = this.#waiters.get(id) ?? new Set();
    checks.add(check);
    this.#waiters.set(id, checks);
  }

  #unwatch(id: string, check: () => void): void {
    const checks = this.#waiters.get(id);
    checks?.delete(check);
    if (checks?.size === 0) this.#waiters.delete(id);
  }
}
