import { describe, expect, it } from 'vitest';
import { responseTotal } from '../lib/bodies/response-total.js';
import { createProgressMeter } from '../lib/progress/progress-meter.js';

describe('createProgressMeter', () => {
  const KiB = 1024;
  const MiB = 1024 * KiB;

  it('gives percent at once, and a rate and ETA once the figures span 200 ms', () => {
    const meter = createProgressMeter(1000);
    expect(meter(100, 100)).toEqual({ loaded: 100, total: 1000, percent: 10, rate: undefined, eta: undefined });
    expect(meter(250, 250)).toMatchObject({ percent: 25, rate: undefined, eta: undefined });
    expect(meter(300, 300)).toMatchObject({ percent: 30, rate: 1000, eta: 0.7 });
  });

  it('gives no rate for a first burst, then the paced rate within 2% after 200 ms (fake clock)', () => {
    // An 8-second download paced at 2 MiB/s whose first 64 KiB arrive 2 ms after the headers.
    const size = 16 * MiB;
    const pace = 2 * MiB;
    const meter = createProgressMeter(size);
    const first = meter(64 * KiB, 2);
    expect(first.rate).toBeUndefined();
    expect(first.eta).toBeUndefined();
    const figures: ReturnType<typeof meter>[] = [];
    for (let time = 18; time <= 2000; time += 16) {
      figures.push(meter(64 * KiB + ((time - 2) / 1000) * pace, time));
      if (time < 202) expect(figures.at(-1)?.rate, `at ${time} ms`).toBeUndefined();
    }
    const settled = figures.filter((figure) => figure.rate !== undefined);
    expect(settled.length).toBeGreaterThan(100);
    for (const figure of settled) {
      expect(Math.abs((figure.rate as number) / pace - 1)).toBeLessThan(0.02);
      const remaining = (size - figure.loaded) / pace;
      expect(Math.abs((figure.eta as number) - remaining)).toBeLessThan(0.1);
    }
  });

  it('forgets samples older than a second, so the rate follows a change of speed', () => {
    const meter = createProgressMeter(undefined);
    meter(0, 0);
    meter(1000, 1000); // 1000 B/s for the first second
    meter(1100, 2000); // then 100 B/s
    expect(meter(1200, 3000).rate).toBeCloseTo(100, 5);
  });

  it('reports no percent or ETA without a total, and no ETA at a zero rate', () => {
    const unknown = createProgressMeter(undefined);
    unknown(0, 0);
    expect(unknown(10, 500)).toMatchObject({ total: undefined, percent: undefined, rate: 20, eta: undefined });
    const stalled = createProgressMeter(100);
    stalled(10, 0);
    expect(stalled(10, 300)).toMatchObject({ rate: 0, eta: undefined });
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
