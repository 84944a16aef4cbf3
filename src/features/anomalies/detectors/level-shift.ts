import type { Detector, Observation, Verdict } from './types';
import { baselineSpread, stepBaseline } from './baseline';

/**
 * Change detector: compares a fast moving average with a slow baseline, in units of the fast average's own
 * standard error. A single spike barely moves the fast average; a sustained shift or drift does, and is
 * reported even once each point on its own looks ordinary.
 */
export interface LevelShiftState {
  n: number;
  fast: number;
  slow: number;
  dev: number;
}

export interface LevelShiftOptions {
  fastAlpha: number;
  slowAlpha: number;
  warmup: number;
}

const DEFAULTS: LevelShiftOptions = { fastAlpha: 0.2, slowAlpha: 0.005, warmup: 30 };

export function createLevelShift(options: Partial<LevelShiftOptions> = {}): Detector<LevelShiftState> {
  const o = { ...DEFAULTS, ...options };
  // Standard deviation of an EWMA of white noise with unit variance.
  const fastSe = Math.sqrt(o.fastAlpha / (2 - o.fastAlpha));

  function update(s: LevelShiftState, value: number, clip: number) {
    if (s.n === 0) {
      s.fast = value;
      s.slow = value;
      s.n = 1;
      return;
    }
    s.n += 1;
    ({ level: s.slow, dev: s.dev } = stepBaseline(s.slow, s.dev, s.n, value, o.slowAlpha, clip));
    s.fast += o.fastAlpha * (value - s.fast);
  }

  return {
    name: 'level_shift',
    init: () => ({ n: 0, fast: 0, slow: 0, dev: 0 }),
    score(s, { value }: Observation): Verdict {
      if (s.n < o.warmup) return { deviation: 0, expected: s.slow, spread: 0, kind: 'warming up' };
      const fast = s.fast + o.fastAlpha * (value - s.fast);
      const spread = baselineSpread(s.slow, s.dev);
      return { deviation: (fast - s.slow) / (spread * fastSe), expected: s.slow, spread, kind: 'level shift' };
    },
    learn: (s, { value }) => update(s, value, 4),
    absorb: (s, { value }) => {
      update(s, value, Number.POSITIVE_INFINITY);
      s.slow = s.fast;
    },
  };
}
