/** What the waiting list orders by: higher `priority` first, then lower `order` (the order added). */
export interface Ranked {
  readonly priority: number;
  readonly order: number;
}

/**
 * The items waiting to start, highest priority first and first-added first among equals: a binary
 * heap, so that adding and taking stay O(log n) with thousands waiting. An item settled while
 * waiting (cancelled) is left in place and skipped when it comes up (`isLive`).
 */
export interface WaitingList<T extends Ranked> {
  add(item: T): void;
  /** The next live item, removed; `undefined` when none is left. */
  take(): T | undefined;
  /** Drops every item. */
  clear(): void;
}

const before = (a: Ranked, b: Ranked) => a.priority > b.priority || (a.priority === b.priority && a.order < b.order);

/** Creates an empty waiting list whose dead items `isLive` tells apart. */
export function createWaitingList<T extends Ranked>(isLive: (item: T) => boolean): WaitingList<T> {
  const heap: T[] = [];
  const swap = (i: number, j: number) => {
    const item = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = item;
  };
  const up = (start: number) => {
    for (let i = start; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as T, heap[parent] as T)) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = () => {
    for (let i = 0; ; ) {
      const [left, right] = [2 * i + 1, 2 * i + 2];
      let first = i;
      if (left < heap.length && before(heap[left] as T, heap[first] as T)) first = left;
      if (right < heap.length && before(heap[right] as T, heap[first] as T)) first = right;
      if (first === i) return;
      swap(i, first);
      i = first;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      down();
    }
    return top;
  };
  return {
    add(item) {
      heap.push(item);
      up(heap.length - 1);
    },
    take() {
      for (let item = pop(); item !== undefined; item = pop()) if (isLive(item)) return item;
      return undefined;
    },
    clear() {
      heap.length = 0;
    },
  };
}
