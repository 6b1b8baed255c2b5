import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWaitingList } from '../lib/queue/waiting-list.js';

interface Waiting {
  readonly priority: number;
  readonly order: number;
  live: boolean;
}

describe("the queue's waiting list", () => {
  it('gives the live items highest priority first, and in the order they came among equals, whatever was added and removed', () => {
    const step = fc.oneof(
      fc.record({ add: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ remove: fc.nat() }),
      fc.constant({ take: true as const }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const list = createWaitingList<Waiting>((item) => item.live);
        const model: Waiting[] = [];
        let order = 0;
        const expectedNext = () =>
          model.filter((item) => item.live).sort((a, b) => b.priority - a.priority || a.order - b.order)[0];
        for (const s of steps) {
          if ('add' in s) {
            const item = { priority: s.add, order: order++, live: true };
            model.push(item);
            list.add(item);
          } else if ('remove' in s) {
            const live = model.filter((item) => item.live);
            const item = live[s.remove % Math.max(1, live.length)];
            if (item !== undefined) item.live = false;
          } else {
            const expected = expectedNext();
            const taken = list.take();
            expect(taken).toBe(expected);
            if (taken !== undefined) taken.live = false;
          }
        }
        const rest: Waiting[] = [];
        for (let item = list.take(); item !== undefined; item = list.take()) {
          rest.push(item);
          item.live = false;
        }
        const expected = model.filter((item) => item.live || rest.includes(item));
        expected.sort((a, b) => b.priority - a.priority || a.order - b.order);
        expect(rest).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
