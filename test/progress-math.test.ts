import { describe, expect, it } from 'vitest';
import { createProgressMeter } from '../lib/progress-meter.js';
import { responseTotal } from '../lib/response-total.js';

describe('createProgressMeter', () => {
  it('gives percent, a rate over the last second and an ETA for a known total', () => {
    const meter = createProgressMeter(1000, 0);
    expect(meter(100, 100)).toEqual({ loaded: 100, total: 1000, percent: 10, rate: 1000, eta: 0.9 });
    expect(meter(500, 500)).toMatchObject({ percent: 50, rate: 1000, eta: 0.5 });
  });

  it('forgets samples older than a second, so the rate follows a change of speed', () => {
    const meter = createProgressMeter(undefined, 0);
    meter(1000, 1000); // 1000 B/s for the first second
    meter(1100, 2000); // then 100 B/s
    expect(meter(1200, 3000).rate).toBeCloseTo(100, 5);
  });

  it('reports no percent or ETA without a total, and no ETA at a zero rate', () => {
    expect(createProgressMeter(undefined, 0)(10, 10)).toMatchObject({
      total: undefined,
      percent: undefined,
      eta: undefined,
    });
    expect(createProgressMeter(100, 0)(0, 0)).toMatchObject({ rate: 0, eta: undefined });
  });
});

describe('responseTotal', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('trusts Content-Length without Content-Encoding', () => {
    expect(responseTotal(headers({ 'content-length': '42' }), undefined)).toEqual({
      total: 42,
      source: 'content-length',
    });
    expect(responseTotal(headers({ 'content-length': '42', 'content-encoding': 'identity' }), undefined).total).toBe(
      42,
    );
  });

  it('distrusts Content-Length under a Content-Encoding', () => {
    expect(responseTotal(headers({ 'content-length': '42', 'content-encoding': 'gzip' }), undefined)).toEqual({
      total: undefined,
      source: undefined,
    });
  });

  it('prefers the named size hint, and ignores hints and lengths that are not whole numbers', () => {
    const hinted = headers({ 'content-length': '10', 'content-encoding': 'br', 'x-size': '99' });
    expect(responseTotal(hinted, 'x-size')).toEqual({ total: 99, source: 'size-hint' });
    expect(responseTotal(headers({ 'x-size': '-1', 'content-length': '5' }), 'x-size').source).toBe('content-length');
    expect(responseTotal(headers({ 'content-length': '1e3' }), undefined).total).toBeUndefined();
  });
});
