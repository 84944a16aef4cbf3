import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock';
import { decisive, evaluate, type Algorithm, type CounterState, type Rule } from './algorithms';

const MINUTE = 60_000;
const rule = (limit: number, windowMs = MINUTE): Rule => ({ key: 'k', limit, windowMs, limitType: 'requests_per_minute', endpoint: null });

/** A tiny single-key limiter over the pure functions, driven by a fake clock. */
function limiter(algorithm: Algorithm, r: Rule, clock: FakeClock) {
  let state: CounterState | undefined;
  return () => {
    const result = evaluate(algorithm, [state], [r], clock.now());
    state = result.states[0];
    return result;
  };
}

describe('sliding window (two-bucket weighted)', () => {
  it('admits exactly the limit within one window and refuses the rest without counting them', () => {
    const clock = new FakeClock(10 * MINUTE);
    const hit = limiter('sliding_window', rule(5), clock);
    const admitted = Array.from({ length: 20 }, () => hit().admitted).filter(Boolean).length;
    expect(admitted).toBe(5);
    const refused = hit();
    expect(refused.outcomes[0]).toMatchObject({ remaining: 0, current: 6 });
  });

  it('slides: the previous window weighs in proportion to its overlap with the rolling window', () => {
    const clock = new FakeClock(10 * MINUTE);
    const hit = limiter('sliding_window', rule(10), clock);
    for (let i = 0; i < 10; i++) expect(hit().admitted).toBe(true);
    // A quarter into the next window, 75% of the previous 10 still count: 7.5 used, so 2 more fit.
    clock.advance(MINUTE + MINUTE / 4);
    expect(hit().admitted).toBe(true);
    expect(hit().admitted).toBe(true);
    const refused = hit();
    expect(refused.admitted).toBe(false);
    // Room again once 10 * (1 - f) + 2 <= 9, i.e. f >= 0.3: 0.05 of a window (3 s) later.
    expect(refused.outcomes[0]!.retryAfterMs).toBe(3_000);
    clock.advance(2_999);
    expect(hit().admitted).toBe(false);
    clock.advance(1);
    expect(hit().admitted).toBe(true);
  });

  it('forgets everything after two idle windows', () => {
    const clock = new FakeClock(10 * MINUTE);
    const hit = limiter('sliding_window', rule(3), clock);
    for (let i = 0; i < 3; i++) hit();
    expect(hit().admitted).toBe(false);
    clock.advance(2 * MINUTE);
    const results = Array.from({ length: 4 }, () => hit().admitted);
    expect(results).toEqual([true, true, true, false]);
  });

  it('reports the reset as the end of the current window while there is room', () => {
    const clock = new FakeClock(10 * MINUTE + 15_000);
    const hit = limiter('sliding_window', rule(3), clock);
    const first = hit().outcomes[0]!;
    expect(first).toMatchObject({ remaining: 2, retryAfterMs: 0, resetAtMs: 11 * MINUTE });
  });
});

describe('token bucket', () => {
  it('starts full at capacity and refuses when empty', () => {
    const clock = new FakeClock();
    const hit = limiter('token_bucket', rule(4), clock);
    expect(Array.from({ length: 6 }, () => hit().admitted)).toEqual([true, true, true, true, false, false]);
  });

  it('refills continuously at limit per window', () => {
    const clock = new FakeClock();
    const hit = limiter('token_bucket', rule(60), clock); // one token per second
    for (let i = 0; i < 60; i++) hit();
    const refused = hit();
    expect(refused.admitted).toBe(false);
    expect(refused.outcomes[0]!.retryAfterMs).toBe(1_000);
    clock.advance(999);
    expect(hit().admitted).toBe(false);
    clock.advance(1);
    expect(hit().admitted).toBe(true);
    expect(hit().admitted).toBe(false);
    clock.advance(2_500); // 2.5 tokens
    expect([hit().admitted, hit().admitted, hit().admitted]).toEqual([true, true, false]);
  });

  it('never exceeds its capacity however long it idles', () => {
    const clock = new FakeClock();
    const hit = limiter('token_bucket', rule(3), clock);
    hit();
    clock.advance(24 * 3_600_000);
    expect(Array.from({ length: 5 }, () => hit().admitted)).toEqual([true, true, true, false, false]);
  });
});

describe('several rules at once', () => {
  it('admits only when every rule has room and charges none of them on refusal', () => {
    const clock = new FakeClock(10 * MINUTE);
    const rules = [rule(100), { ...rule(2, 3_600_000), key: 'h', limitType: 'requests_per_hour' as const }];
    let states: (CounterState | undefined)[] = [undefined, undefined];
    const results = Array.from({ length: 4 }, () => {
      const r = evaluate('sliding_window', states, rules, clock.now());
      states = r.states;
      return r;
    });
    expect(results.map((r) => r.admitted)).toEqual([true, true, false, false]);
    expect((states[0] as { curr: number }).curr).toBe(2);
    const blocking = decisive(results[3]!.outcomes, false)!;
    expect(blocking.rule.limitType).toBe('requests_per_hour');
    expect(decisive(results[0]!.outcomes, true)!.remaining).toBe(1);
  });
});
