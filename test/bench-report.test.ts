// The benchmark's arithmetic and verdicts: paired ratios, warm-ups left out, GC medians, targets judged against raw
// fetch and against the references. Jobs here report made-up timings, so every figure is known in advance.
import { describe, expect, it } from 'vitest';
import { compare, type Measured, type Series } from '../bench/measure.js';
import { targetsOf } from '../bench/report.js';

const MiB = 2 ** 20;

/** A job that reports the given wall times in turn (one unit each, so throughput = 1000 / ms). */
function timed(ms: number[], extra: Partial<Measured> = {}): () => Promise<Measured> {
  let call = 0;
  return async () => ({ units: 1, ms: ms[call++] as number, cpuMicros: 10, ...extra });
}

/** A series whose throughput per round is given; the ratio fields are not used by the code under test. */
function series(name: string, perRun: number[], ratio = 1): Series {
  return { name, perRun, median: perRun[0] as number, ratio, ratioRange: [ratio, ratio], cpuPerUnit: 0 };
}

describe('compare', () => {
  it('pairs each round with the baseline of that round and leaves the warm-up rounds out', async () => {
    const [raw, other] = await compare(
      // Round 0 is a warm-up; then the machine slows down 2x in round 2 for both contenders.
      { raw: timed([1, 10, 20]), other: timed([1000, 20, 40]) },
      { warmups: 1, runs: 2, baseline: 'raw' },
    );
    expect(raw?.perRun).toEqual([100, 50]);
    expect(other?.perRun).toEqual([50, 25]);
    expect(other?.ratio).toBe(0.5);
    expect(other?.ratioRange).toEqual([0.5, 0.5]);
    expect(raw?.gc).toBeUndefined();
  });

  it('rotates the order so that no contender always runs first', async () => {
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      return 1;
    };
    await compare({ a: job('a'), b: job('b'), c: job('c') }, { warmups: 0, runs: 3, baseline: 'a' });
    expect(order).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
  });

  it('reports the medians of heap, full collections and pauses when the jobs measured them', async () => {
    let round = 0;
    const job = async (): Promise<Measured> => {
      round++;
      return { units: 1, ms: 1, cpuMicros: 1, heapBytes: round * MiB, majorGcs: round, gcMs: 2 * round };
    };
    const [only] = await compare({ only: job }, { warmups: 0, runs: 3, baseline: 'only' });
    expect(only?.gc).toEqual({ heapMiB: 2, majorGcs: 2, gcMs: 4 });
  });

  it('refuses a job that moved nothing and a missing baseline', async () => {
    await expect(compare({ a: async () => 0 }, { warmups: 0, runs: 1, baseline: 'a' })).rejects.toThrow(
      'a moved nothing',
    );
    await expect(compare({ a: async () => 1 }, { warmups: 0, runs: 1, baseline: 'raw' })).rejects.toThrow(
      'no baseline raw',
    );
  });
});

describe('targetsOf', () => {
  it('judges throughput against raw fetch and gives the ratio to the reference of the same rounds', () => {
    const targets = targetsOf({
      download: [
        series('raw fetch', [100, 100], 1),
        series('rx-transfer', [90, 80], 0.85),
        series('raw fetch, rxjs + ky loaded (reference)', [90, 100], 0.95),
        series('raw fetch again (A/A control)', [100, 100], 1.02),
      ],
      upload: [series('raw fetch', [100], 1), series('rx-transfer', [98], 0.98)],
    });
    expect(targets).toEqual([
      {
        target: 'Node download, rx-transfer (all stages) >= 0.97x raw fetch',
        // Per round 90/90 = 1 and 80/100 = 0.8: the median is 0.9.
        figure: '0.850x (0.900x of raw fetch, rxjs + ky loaded; A/A control 1.020x)',
        met: false,
      },
      {
        target: 'Node upload, rx-transfer >= 0.97x raw fetch',
        figure: '0.980x',
        met: true,
      },
    ]);
  });

  it('gives the A/A control’s own ratio next to a Chromium target', () => {
    const table = [
      series('raw fetch', [100], 1),
      series('rx-transfer', [95], 0.95),
      series('raw fetch again (A/A control)', [96], 0.96),
    ];
    const browser = { version: '1', protocol: 'h2', downloadBytes: 1, uploadBytes: 1, download: table, upload: [] };
    expect(targetsOf({ browser })).toEqual([
      {
        target: 'Chromium download, rx-transfer >= 0.97x raw fetch',
        figure: '0.950x (A/A control 0.960x)',
        met: false,
      },
    ]);
  });

  it('judges Chromium message streams against the raw reader loop, with its A/A control beside', () => {
    const table = (ratio: number) => [
      series('raw reader loop', [100], 1),
      series('rx-transfer', [100 * ratio], ratio),
      series('raw reader loop again (A/A control)', [90], 0.9),
    ];
    const browserMessages = { version: '1', protocol: 'h2', count: 1, sse: table(0.95), ndjson: table(0.85) };
    expect(targetsOf({ browserMessages })).toEqual([
      {
        target: 'Chromium sse messages/s, rx-transfer >= 0.9x raw reader loop',
        figure: '0.950x (A/A control 0.900x)',
        met: true,
      },
      {
        target: 'Chromium ndjson messages/s, rx-transfer >= 0.9x raw reader loop',
        figure: '0.850x (A/A control 0.900x)',
        met: false,
      },
    ]);
  });

  it('judges Blob and File uploads against fetch(blob.stream()), with fetch(blob) and the A/A control beside', () => {
    const table = (rx: number, control: number) => [
      series('fetch(blob.stream())', [100, 100], 1),
      series('rx-transfer', [rx, rx], rx / 100),
      series('fetch(blob.stream()) again (A/A control)', [control, control], control / 100),
    ];
    const targets = targetsOf({
      blob: [...table(96, 101), series('fetch(blob)', [80, 120], 1)],
      browserBlob: {
        version: '1',
        protocol: 'h2',
        uploads: [
          { kind: 'File', bytes: 64 * MiB, series: table(33, 99) },
          { kind: 'Blob', bytes: 8 * MiB, series: table(95, 103) },
        ],
      },
    });
    expect(targets).toEqual([
      {
        target: 'Node Blob upload, rx-transfer >= 0.95x fetch(blob.stream())',
        // Per round 96/80 = 1.2 and 96/120 = 0.8: the median is 1.
        figure: '0.960x (1.000x of fetch(blob); A/A control 1.010x)',
        met: true,
      },
      {
        target: 'Chromium File upload 64 MiB, rx-transfer >= 0.95x fetch(blob.stream())',
        figure: '0.330x (A/A control 0.990x)',
        met: false,
      },
      {
        target: 'Chromium Blob upload 8 MiB, rx-transfer >= 0.95x fetch(blob.stream())',
        figure: '0.950x (A/A control 1.030x)',
        met: true,
      },
    ]);
  });

  it('judges memory against each limit and events against their bound', () => {
    const memory = (name: string, growth: number, limit?: number) => ({
      name,
      note: 'n',
      ...(limit === undefined ? {} : { limit }),
      growths: [growth],
      medianGrowth: growth,
      medianMs: 1,
      bytes: 1,
      peakSource: 'VmHWM',
    });
    const events = (name: string, count: number, bound: number, progressInterval = 50) => ({
      case: name,
      progressInterval,
      chunks: 4096,
      events: count,
      ms: 1,
      bound,
    });
    const targets = targetsOf({
      memory: [memory('sink', 70 * MiB, 64 * MiB), memory('floor', 500 * MiB), memory('blob', 64 * MiB, 64 * MiB)],
      events: [events('download', 9, 8), events('download', 4096, 4096, 0), events('upload', 6, 8)],
    });
    expect(targets.map(({ target, met }) => [target, met])).toEqual([
      ['sink: RSS growth <= 64 MiB', false],
      ['blob: RSS growth <= 64 MiB', true],
      ['download: progress events bounded by default sampling', false],
      ['upload: progress events bounded by default sampling', true],
    ]);
  });

  it('judges a memory case against another of the same run, its slack and ratio given', () => {
    const memory = (name: string, growth: number, atMost?: { of: string; slack: number }) => ({
      name,
      note: 'n',
      ...(atMost === undefined ? {} : { atMost }),
      growths: [growth],
      medianGrowth: growth,
      medianMs: 1,
      bytes: 1,
      peakSource: 'VmHWM',
    });
    const atMost = { of: 'once', slack: 32 * MiB };
    const targets = targetsOf({
      memory: [
        memory('once', 100 * MiB),
        memory('retried', 132 * MiB, atMost),
        memory('leaky', 133 * MiB, atMost),
        memory('alone', 1, { of: 'not run', slack: 0 }),
      ],
    });
    expect(targets).toEqual([
      { target: 'retried: RSS growth <= "once" + 32 MiB', figure: '132 MiB vs 100 MiB (1.32x)', met: true },
      { target: 'leaky: RSS growth <= "once" + 32 MiB', figure: '133 MiB vs 100 MiB (1.33x)', met: false },
    ]);
  });
});
