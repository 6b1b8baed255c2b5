import { formatBytes } from './format.ts';

/** The least and the most time the chart spans, in milliseconds: from the set's first sample, within these. */
const SPAN_MS = { least: 5000, most: 60_000 } as const;
/** Room left of the plot for the scale, and below it for the time labels, in CSS pixels. */
const LEFT = 52;
const BOTTOM = 18;

/**
 * A live chart of bytes per second: each transfer's rate as a band, stacked (equal rates would hide one another as
 * lines), and the queue's total rate as a thick line over them.
 */
export interface ThroughputChart {
  /** Adds the rates measured at `time` (ms): the total's, and each running transfer's by key. */
  add(time: number, total: number, each: ReadonlyMap<string, number>): void;
  /** Forgets everything (a new set begins). */
  clear(): void;
}

interface Sample {
  readonly t: number;
  readonly total: number;
  readonly each: ReadonlyMap<string, number>;
}

/** Maps times and rates to the plot's pixels. */
interface Scale {
  readonly x: (t: number) => number;
  readonly y: (v: number) => number;
}

/** Draws on `canvas`, at the device's pixel ratio, redrawn on each `add`. */
export function createThroughputChart(canvas: HTMLCanvasElement): ThroughputChart {
  const samples: Sample[] = [];
  const colors = new Map<string, string>();
  const draw = () => {
    const context = sizedContext(canvas);
    if (context === null) return;
    const { width, height } = canvas.getBoundingClientRect();
    const now = (samples.at(-1) as Sample).t;
    const span = Math.min(SPAN_MS.most, Math.max(SPAN_MS.least, now - (samples[0] as Sample).t));
    const sum = (sample: Sample) => [...sample.each.values()].reduce((a, b) => a + b, 0);
    const top = Math.max(1, ...samples.map((sample) => Math.max(sample.total, sum(sample)))) * 1.15;
    const scale: Scale = {
      x: (t) => LEFT + ((t - (now - span)) / span) * (width - LEFT - 8),
      y: (v) => height - BOTTOM - (v / top) * (height - BOTTOM - 12),
    };
    const style = getComputedStyle(canvas);
    drawFrame(context, style.color, { width, height, top, span });
    drawBands(context, samples, colors, scale);
    context.beginPath();
    for (const sample of samples) context.lineTo(scale.x(sample.t), scale.y(sample.total));
    context.strokeStyle = style.getPropertyValue('--accent').trim() || '#2563eb';
    context.lineWidth = 3;
    context.stroke();
  };
  return {
    add(time, total, each) {
      for (const key of each.keys()) if (!colors.has(key)) colors.set(key, `hsl(${(colors.size * 47) % 360} 70% 60%)`);
      samples.push({ t: time, total, each: new Map(each) });
      while ((samples[0] as Sample).t < time - SPAN_MS.most) samples.shift();
      canvas.dataset.points = String(samples.length);
      canvas.dataset.lines = String(new Set(samples.flatMap((sample) => [...sample.each.keys()])).size);
      draw();
    },
    clear() {
      samples.length = 0;
      colors.clear();
    },
  };
}

/** The canvas's 2D context, its backing store sized to its CSS box at the device's pixel ratio. */
function sizedContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  context?.scale(ratio, ratio);
  return context;
}

/** The plot's border, its scale (the top rate), and its time span. */
function drawFrame(
  context: CanvasRenderingContext2D,
  color: string,
  { width, height, top, span }: { width: number; height: number; top: number; span: number },
): void {
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = color;
  context.fillText(`${formatBytes(top)}/s`, 0, 14);
  context.fillText('0', LEFT - 12, height - BOTTOM);
  context.fillText(`${Math.round(span / 1000)} s ago`, LEFT, height - 3);
  context.fillText('now', width - 28, height - 3);
  context.globalAlpha = 0.3;
  context.strokeStyle = color;
  context.strokeRect(LEFT, 8, width - LEFT - 8, height - BOTTOM - 8);
  context.globalAlpha = 1;
}

/** Each key's rate as a band sitting on the bands of the keys that came before it. */
function drawBands(
  context: CanvasRenderingContext2D,
  samples: readonly Sample[],
  colors: ReadonlyMap<string, string>,
  { x, y }: Scale,
): void {
  const below = samples.map(() => 0);
  for (const [key, color] of colors) {
    const lower = [...below];
    context.beginPath();
    samples.forEach((sample, i) => {
      below[i] = (below[i] as number) + (sample.each.get(key) ?? 0);
      context.lineTo(x(sample.t), y(below[i] as number));
    });
    for (let i = samples.length - 1; i >= 0; i--) context.lineTo(x((samples[i] as Sample).t), y(lower[i] as number));
    context.closePath();
    context.fillStyle = color;
    context.globalAlpha = 0.55;
    context.fill();
    context.globalAlpha = 1;
  }
}
