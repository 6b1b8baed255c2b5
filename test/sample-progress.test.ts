import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { sampleProgress } from '../lib/index.js';

interface Event {
  type: string;
  n: number;
}

const up = (n: number): Event => ({ type: 'upload-progress', n });
const down = (n: number): Event => ({ type: 'download-progress', n });
const values = {
  s: { type: 'start', n: 0 },
  a: up(1),
  b: up(2),
  c: up(3),
  d: up(4),
  t: { type: 'sent', n: 0 },
  h: { type: 'headers', n: 0 },
  x: down(1),
  y: down(2),
  z: down(3),
  k: { type: 'complete', n: 0 },
};

/** Runs `marbles` through `sampleProgress(interval)` in virtual time; returns `frame:value` strings. */
function sampled(marbles: string, interval: Parameters<typeof sampleProgress>[0], unsubscribeAt?: number): string[] {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const out: string[] = [];
  scheduler.run(({ cold }) => {
    const label = (event: Event) =>
      `${scheduler.now()}:${event.type === 'upload-progress' ? 'up' : event.type === 'download-progress' ? 'down' : event.type}${event.n || ''}`;
    const subscription = cold(marbles, values)
      .pipe(sampleProgress<Event>(interval, scheduler))
      .subscribe({
        next: (event) => out.push(label(event)),
        error: () => out.push(`${scheduler.now()}:error`),
        complete: () => out.push(`${scheduler.now()}:done`),
      });
    if (unsubscribeAt !== undefined) scheduler.schedule(() => subscription.unsubscribe(), unsubscribeAt);
  });
  return out;
}

describe('sampleProgress (marbles in, emissions out)', () => {
  it('passes the first progress event at once and holds later ones to one per interval', () => {
    // a@0 b@2 c@4 d@15 |@46
    expect(sampled('a 1ms b 1ms c 10ms d 30ms |', 10)).toEqual(['0:up1', '10:up3', '20:up4', '46:done']);
  });

  it('flushes a held progress event before the next stage, keeping the order', () => {
    // s@0 a@1 b@2 c@3 t@4 h@5 x@6 y@7 z@8 k@9 |@10
    expect(sampled('sabcthxyzk|', 50)).toEqual([
      '0:start',
      '1:up1',
      '4:up3',
      '4:sent',
      '5:headers',
      '6:down1',
      '9:down3',
      '9:complete',
      '10:done',
    ]);
  });

  it('delivers the final held event before completion and before an error', () => {
    expect(sampled('xyz|', 50)).toEqual(['0:down1', '3:down3', '3:done']);
    expect(sampled('xyz#', 50)).toEqual(['0:down1', '3:down3', '3:error']);
  });

  it('delivers every event with interval 0', () => {
    expect(sampled('abct|', 0)).toEqual(['0:up1', '1:up2', '2:up3', '3:sent', '4:done']);
  });

  it('keeps at most one event per interval however many arrive', () => {
    const out = sampled(`${'a'.repeat(1000)}|`, 50);
    expect(out).toHaveLength(1000 / 50 + 2);
    expect(out.slice(0, 3)).toEqual(['0:up1', '50:up1', '100:up1']);
    expect(out.at(-2)).toBe('1000:up1');
  });

  it('samples each kind of progress on its own clock', () => {
    expect(sampled('abxy|', 50)).toEqual(['0:up1', '2:up2', '2:down1', '4:down2', '4:done']);
  });

  it('drops a held event, and its timer, on unsubscribe', () => {
    expect(sampled('ab 100ms c|', 50, 5)).toEqual(['0:up1']);
  });

  it('falls back to one event per 16 ms for frame sampling where no animation frames exist', () => {
    // a@0 b@6 c@12 |@33
    expect(sampled('a 5ms b 5ms c 20ms |', 'frame')).toEqual(['0:up1', '16:up3', '33:done']);
  });
});
