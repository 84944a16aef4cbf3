import type { Detector, Observation, Verdict } from './types';

/**
 * Robust exponentially weighted z-score with an optional daily profile.
 *
 * Mean and mean absolute deviation are exponentially weighted; each update is clipped at `clip` spreads
 * (a Huber-style update) so one outlier does not drag the baseline. A 24-bucket hour-of-day profile of the
 * residuals is learned alongside and used only while it explains the data better than the flat mean.
 */
export interface RobustZState {
  n: number;
  mean: number;
  dev: number;
  /** Deviation of the residuals once the daily profile is removed. */
  devSeasonal: number;
  /** Hour-of-day residual means (UTC), null until the first timestamp. */
  profile: number[];
  firstAt: number;
}

export interface RobustZOptions {
  /** Smallest weight of a new point (memory of about 2/alpha points). */
  alpha: number;
  profileAlpha: number;
  clip: number;
  warmup: number;
}

const DEFAULTS: RobustZOptions = { alpha: 0.003, profileAlpha: 0.05, clip: 4, warmup: 10 };
const DAY_MS = 86_400_000;
const MAD_TO_STD = 1.2533;

export const hourOf = (timestamp: number) => Math.floor(((timestamp % DAY_MS) + DAY_MS) % DAY_MS / 3_600_000);

/** Floor of the spread so a perfectly flat series still has a finite z-score. */
export function spreadFloor(mean: number) {
  return Math.max(Math.abs(mean) * 3e-3, 1e-6);
}

/** The daily-profile part of the expectation at `timestamp` (0 while the profile does not help). */
export function seasonalOffset(s: RobustZState, timestamp: number): number {
  return s.n > 0 && timestamp - s.firstAt >= 2 * DAY_MS && s.devSeasonal < 0.8 * s.dev ? s.profile[hourOf(timestamp)]! : 0;
}

/** A residual bounded to ±clip robust deviations (a hot path: kept out of closures). */
function clipResidual(r: number, dev: number, clip: number, mean: number): number {
  const limit = clip * Math.max(MAD_TO_STD * dev, spreadFloor(mean));
  return Math.max(-limit, Math.min(limit, r));
}

export function createRobustZScore(options: Partial<RobustZOptions> = {}): Detector<RobustZState> {
  const o = { ...DEFAULTS, ...options };

  function expectation(s: RobustZState, timestamp: number) {
    const offset = seasonalOffset(s, timestamp);
    const seasonal = offset !== 0;
    const expected = s.mean + offset;
    const spread = Math.max(MAD_TO_STD * (seasonal ? s.devSeasonal : s.dev), spreadFloor(s.mean));
    return { expected, spread };
  }

  // Holt-Winters style: the level learns from the de-seasoned value, the profile from what the level leaves.
  function update(s: RobustZState, { value, timestamp }: Observation, clip: number) {
    if (s.n === 0) {
      s.firstAt = timestamp;
      s.mean = value;
      s.n = 1;
      return;
    }
    s.n += 1;
    const a = Math.max(1 / s.n, o.alpha);
    const warm = s.n > o.warmup;
    const hour = hourOf(timestamp);
    const plain = warm ? clipResidual(value - s.mean, s.dev, clip, s.mean) : value - s.mean;
    const profiled = warm ? clipResidual(value - s.mean - s.profile[hour]!, s.devSeasonal, clip, s.mean) : value - s.mean - s.profile[hour]!;
    s.dev += a * (Math.abs(plain) - s.dev);
    s.devSeasonal += a * (Math.abs(profiled) - s.devSeasonal);
    s.mean += a * profiled;
    const step = o.profileAlpha * profiled;
    s.profile[hour]! += step;
    // Keep the profile centred on zero so level and profile do not drift against each other.
    const shift = step / 24;
    for (let h = 0; h < 24; h++) s.profile[h]! -= shift;
    s.mean += shift;
  }

  return {
    name: 'robust_zscore',
    init: () => ({ n: 0, mean: 0, dev: 0, devSeasonal: 0, profile: new Array(24).fill(0), firstAt: 0 }),
    score(s, { value, timestamp }): Verdict {
      if (s.n < o.warmup) return { deviation: 0, expected: s.mean, spread: 0, kind: 'warming up' };
      const { expected, spread } = expectation(s, timestamp);
      return { deviation: (value - expected) / spread, expected, spread, kind: 'spike' };
    },
    learn: (s, observation) => update(s, observation, o.clip),
    absorb: (s, observation) => update(s, observation, Number.POSITIVE_INFINITY),
  };
}
