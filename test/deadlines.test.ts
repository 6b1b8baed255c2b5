/**
 * The timeout limits' clock (lib/policies/deadlines.ts) under fake timers, `performance` faked too: each limit
 * expires when it is due, never before, however often events move it on, and with few timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TransferEvent } from '../lib/index.js';
import { watchDeadlines } from '../lib/policies/deadlines.js';

const owner = { method: 'GET', url: 'https://example.test/file' };
const start = { type: 'start', attempt: 1, transport: 'fetch' } as unknown as TransferEvent<unknown>;
const headers = { type: 'headers' } as unknown as TransferEvent<unknown>;
const progress = (loaded: number) => ({ type: 'download-progress', loaded }) as unknown as TransferEvent<unknown>;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Watches with `timeout`, recording each expiry's phase and the fake clock when it came. */
function watch(timeout: Parameters<typeof watchDeadlines>[0]) {
  const expired: { phase: string; at: number }[] = [];
  const t0 = performance.now();
  const deadlines = watchDeadlines(timeout, owner, (error) =>
    expired.push({ phase: error.phase, at: performance.now() - t0 }),
  );
  return { deadlines, expired };
}

describe('watchDeadlines', () => {
  it('lets a download that moves within its idle limit run on, however long, and ends it one limit after it stops', () => {
    const { deadlines, expired } = watch({ download: 100, headers: 1000 });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    deadlines.observe(start);
    vi.advanceTimersByTime(50);
    deadlines.observe(headers);
    for (let i = 1; i <= 200; i++) {
      vi.advanceTimersByTime(i % 50 === 0 ? 95 : 10);
      deadlines.observe(progress(i));
    }
    expect(expired).toEqual([]);
    // Two hundred moves of the idle limit over 2.3 s, and a timer about every limit's length, not one for each.
    expect(timers.mock.calls.length).toBeLessThanOrEqual(30);
    vi.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([{ phase: 'download', at: 50 + 196 * 10 + 4 * 95 + 100 }]);
    vi.advanceTimersByTime(10_000);
    expect(expired).toHaveLength(1);
  });

  it('ends headers that never come at the headers limit, from start, though a shorter limit wakes it earlier', () => {
    const { deadlines, expired } = watch({ download: 30, headers: 100 });
    deadlines.observe(start);
    vi.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([{ phase: 'headers', at: 100 }]);
  });

  it('ends the exchange at total before a phase limit due at the same moment, and nothing after', () => {
    const { deadlines, expired } = watch({ total: 100, headers: 100 });
    deadlines.observe(start);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual([{ phase: 'total', at: 100 }]);
    deadlines.observe(start);
    vi.advanceTimersByTime(1000);
    expect(expired).toHaveLength(1);
    expect(deadlines.remaining()).toBeLessThan(0);
  });

  it('clears everything on complete and on stop', () => {
    const complete = watch({ download: 10 });
    complete.deadlines.observe(start);
    complete.deadlines.observe(headers);
    complete.deadlines.observe({ type: 'complete' } as unknown as TransferEvent<unknown>);
    const stopped = watch({ headers: 10 });
    stopped.deadlines.observe(start);
    stopped.deadlines.stop();
    vi.advanceTimersByTime(1000);
    expect([complete.expired, stopped.expired]).toEqual([[], []]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sets no timer when every limit is off', () => {
    const { deadlines } = watch(false);
    deadlines.observe(start);
    deadlines.observe(headers);
    expect(vi.getTimerCount()).toBe(0);
    expect(deadlines.remaining()).toBe(Number.POSITIVE_INFINITY);
  });
});
