import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock';
import type { Rule } from './algorithms';
import { createMemoryStore } from './stores';

const rule = (key: string, limit: number): Rule => ({ key, limit, windowMs: 60_000, limitType: 'requests_per_minute', endpoint: null });

describe('memory store', () => {
  it('admits exactly the limit among concurrent decisions and charges all of a request\'s counters or none', async () => {
    const store = createMemoryStore(new FakeClock());
    const rules = [rule('a', 10), rule('b', 1000)];
    const results = await Promise.all(Array.from({ length: 500 }, () => store.decide('sliding_window', rules)));
    expect(results.filter((r) => r.admitted)).toHaveLength(10);
    expect(store.decideNow('sliding_window', [rule('b', 1000)]).outcomes[0]!.remaining).toBe(1000 - 11);
  });

  it('forgets counters whose windows are over', () => {
    const clock = new FakeClock();
    const store = createMemoryStore(clock, { sweepEvery: 1 });
    for (let i = 0; i < 50; i++) store.decideNow('token_bucket', [rule(`k${i}`, 5)]);
    expect(store.size()).toBe(50);
    clock.advance(60_001);
    store.decideNow('token_bucket', [rule('fresh', 5)]);
    expect(store.size()).toBe(1);
  });
});
