import type { Detector, Observation, Verdict } from './types';
import { baselineSpread, stepBaseline } from './baseline';
import { spreadFloor } from './robust-zscore';

/**
 * Slow mean-shift detector: a slow moving average (about 2/alpha points) against a long baseline, measured in
 * units of how far that average usually strays from the baseline (learned, so autocorrelated series are judged
 * against their own wander, not against white noise). Catches shifts that last hours or days and are too
 * gradual or too noisy for the fast change detector.
 */
export interface SlowShiftState {
  n: number;
  fast: number;
  base: number;
  /** Mean absolute deviation of the points around the baseline (clips updates). */
  dev: number;
  /** Mean absolute distance of the slow average from the baseline. */
  wander: number;
}

export interface SlowShiftOptions {
  fastAlpha: number;
  baseAlpha: number;
  wanderAlpha: number;
  warmup: number;
}

export const SLOW_SHIFT_DEFAULTS: SlowShiftOptions = { fastAlpha: 0.02, baseAlpha: 0.002, wanderAlpha: 0.002, warmup: 300 };

export function createSlowShift(options: Partial<SlowShiftOptions> = {}): Detector<SlowShiftState> {
  const o = { ...SLOW_SHIFT_DEFAULTS, ...options };

  function update(s: SlowShiftState, value: number, clip: number) {
    if (s.n === 0) {
      s.fast = value;
      s.base = value;
      s.n = 1;
      return;
    }
    s.n += 1;
    const spread = baselineSpread(s.base, s.dev);
    s.fast += Math.max(1 / s.n, o.fastAlpha) * Math.max(-clip * spread, Math.min(clip * spread, value - s.fast));
    ({ level: s.base, dev: s.dev } = stepBaseline(s.base, s.dev, s.n, value, o.baseAlpha, clip));
    const w = Math.max(1 / s.n, o.wanderAlpha);
    s.wander += w * (Math.abs(s.fast - s.base) - s.wander);
  }

  return {
    name: 'slow_shift',
    init: () => ({ n: 0, fast: 0, base: 0, dev: 0, wander: 0 }),
    score(s, { value }: Observation): Verdict {
      if (s.n < o.warmup) return { deviation: 0, expected: s.base, spread: 0, kind: 'warming up' };
      const spread = baselineSpread(s.base, s.dev);
      const fast = s.fast + o.fastAlpha * Math.max(-4 * spread, Math.min(4 * spread, value - s.fast));
      const wander = Math.max(1.2533 * s.wander, spreadFloor(s.base));
      return { deviation: (fast - s.base) / wander, expected: s.base, spread: wander, kind: 'sustained shift' };
    },
    learn: (s, { value }) => update(s, value, 4),
    absorb: (s, { value }) => {
      update(s, value, Number.POSITIVE_INFINITY);
      s.base = s.fast;
    },
  };
}
