/** A job timed where it ran (in another process): the units it moved, its wall time and its CPU time. */
export interface Measured {
  readonly units: number;
  readonly ms: number;
  readonly cpuMicros: number;
  /** Heap in use as the timed job began (jobs run in a process of their own). */
  readonly heapBytes?: number;
  /** Full (mark-compact) garbage collections during the timed job. */
  readonly majorGcs?: number;
  /** Milliseconds of garbage-collection pauses during the timed job. */
  readonly gcMs?: number;
}

/**
 * One job of a contender: moves `units` (bytes or requests) and reports them, timed here; or reports
 * its own timing, when it ran in a process of its own.
 */
export type Job = () => Promise<number | Measured>;

/** What one contender did over the measured runs. */
export interface Series {
  readonly name: string;
  /** Throughput of each measured run, in units per second, in run order. */
  readonly perRun: number[];
  /** Median throughput. */
  readonly median: number;
  /** Median over the runs of (this run's throughput / the baseline's throughput in the same round). */
  readonly ratio: number;
  /** Lowest and highest of those per-round ratios. */
  readonly ratioRange: readonly [number, number];
  /** Median CPU time (user + system) per unit, in microseconds, of the process that ran the job. */
  readonly cpuPerUnit: number;
  /** Medians of the heap in use at the start, full collections and collection pauses, when the job reported them. */
  readonly gc?: { readonly heapMiB: number; readonly majorGcs: number; readonly gcMs: number };
}

/** Options of {@link compare}. */
export interface CompareOptions {
  readonly warmups: number;
  readonly runs: number;
  /** Name of the contender every ratio is taken against. */
  readonly baseline: string;
  /** Called after each job, for a progress line. */
  readonly onJob?: (name: string, round: number) => void;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs every contender's job once per round, the order rotated each round so that none always runs first or last
 * (warm-up rounds first, not counted), and returns each contender's series. Ratios are paired by round, so a slow
 * patch of the shared machine weighs on every contender of that round alike.
 */
export async function compare(jobs: Record<string, Job>, options: CompareOptions): Promise<Series[]> {
  const names = Object.keys(jobs);
  const throughput = new Map<string, number[]>(names.map((name) => [name, []]));
  const cpu = new Map<string, number[]>(names.map((name) => [name, []]));
  const gc = new Map<string, Measured[]>(names.map((name) => [name, []]));
  for (let round = 0; round < options.warmups + options.runs; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as string;
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      const outcome = await (jobs[name] as Job)();
      const used = process.cpuUsage(cpuBefore);
      const job =
        typeof outcome === 'number'
          ? { units: outcome, ms: performance.now() - start, cpuMicros: used.user + used.system }
          : outcome;
      if (!(job.units > 0)) throw new Error(`${name} moved nothing`);
      options.onJob?.(name, round);
      if (round < options.warmups) continue;
      throughput.get(name)?.push((job.units * 1000) / job.ms);
      cpu.get(name)?.push(job.cpuMicros / job.units);
      if (job.majorGcs !== undefined) gc.get(name)?.push(job);
    }
  }
  const base = throughput.get(options.baseline);
  if (base === undefined) throw new Error(`no baseline ${options.baseline}`);
  return names.map((name) => {
    const perRun = throughput.get(name) as number[];
    const ratios = perRun.map((value, run) => value / (base[run] as number));
    const jobs = gc.get(name) as Measured[];
    const of = (field: 'heapBytes' | 'majorGcs' | 'gcMs') => median(jobs.map((job) => job[field] ?? 0));
    return {
      name,
      perRun,
      median: median(perRun),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      cpuPerUnit: median(cpu.get(name) as number[]),
      ...(jobs.length === 0
        ? {}
        : { gc: { heapMiB: of('heapBytes') / 2 ** 20, majorGcs: of('majorGcs'), gcMs: of('gcMs') } }),
    };
  });
}
