import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock';
import { decisive, type Algorithm, type Rule } from './algorithms';
import { createMemoryStore } from './stores';

const rules: Rule[] = [
  { key: 'g:m', limit: 7, windowMs: 60_000, limitType: 'requests_per_minute', endpoint: null },
  { key: 'g:h', limit: 20, windowMs: 3_600_000, limitType: 'requests_per_hour', endpoint: null },
  { key: 'e:m', limit: 5, windowMs: 60_000, limitType: 'requests_per_minute', endpoint: '/x' },
];

describe('memory store: the hook\'s decisive path', () => {
  for (const algorithm of ['sliding_window', 'token_bucket'] as Algorithm[]) {
    it(`${algorithm}: admits, refuses and reports exactly what the full decision reports, step by step over two windows`, () => {
      const clockA = new FakeClock(1_800_000_000_000);
      const clockB = new FakeClock(1_800_000_000_000);
      const full = createMemoryStore(clockA);
      const fast = createMemoryStore(clockB);
      for (let step = 0; step < 60; step++) {
        const a = full.decideNow(algorithm, rules);
        const b = fast.decideDecisive(algorithm, rules);
        expect(b.admitted).toBe(a.admitted);
        expect(b.outcome).toEqual(decisive(a.outcomes, a.admitted));
        clockA.advance(step % 3 === 0 ? 7_000 : 500);
        clockB.advance(step % 3 === 0 ? 7_000 : 500);
      }
    });
  }

  it('admits exactly the limit under a burst and charges nothing for a refusal', () => {
    const store = createMemoryStore(new FakeClock());
    const admitted = Array.from({ length: 50 }, () => store.decideDecisive('sliding_window', rules)).filter((d) => d.admitted).length;
    expect(admitted).toBe(5);
    expect(store.decideNow('sliding_window', [rules[0]!]).outcomes[0]!.current).toBe(6); // 5 charged + this one
  });
});
