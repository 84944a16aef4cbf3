import { createLevelShift, type LevelShiftState } from './level-shift';
import { createSlowShift, type SlowShiftState } from './slow-shift';
import { createRobustZScore, seasonalOffset, type RobustZState } from './robust-zscore';
import { createResonance, type ResonanceState } from './resonance';
import type { Observation, Verdict } from './types';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Everything learned about one series; plain JSON so it can be checkpointed. */
export interface SeriesState {
  v: 1;
  /** Points seen. */
  n: number;
  /** Values are learned as log1p (latencies, counts): their spread grows with their level. */
  log: boolean;
  /** Smallest spread (in learned units) a deviation is measured against, e.g. for sparse counts. */
  minSpread: number;
  /** Score at or above which a point is an anomaly; false-positive feedback raises it, it relaxes back. */
  threshold: number;
  /** Points since the last anomaly (suppresses repeats of the same incident). */
  sinceAlarm: number;
  lastAlarmScore: number;
  /** Running 99th percentile of |deviation|: a series whose normal life has 8-std jumps is judged against that. */
  tail: number;
  /** Deviation (std) reviewers said was normal here; deviations are judged relative to it. Decays slowly. */
  tolerance: number;
  z: RobustZState;
  shift: LevelShiftState;
  /** Slow mean-shift detector (absent in checkpoints written before it existed; started on first use). */
  slow?: SlowShiftState;
  /**
   * Recent spike candidates (scores at or above the threshold), oldest first, at most `TUNING.recurKeep`:
   * [timestamp, signed excess of the value over the expectation, in learned units]. Absent in older checkpoints.
   */
  recent?: [number, number][];
  /** Shape-novelty (adaptive resonance) detector; present only while `TUNING.artWeight` > 0 and `shape` is not false. */
  art?: ResonanceState;
  /** false: the series has no shape detector (sparse count series such as error lines per minute). */
  shape?: boolean;
  /** Points left during which the change detectors' reaction to a recurring spike is damped like it. */
  echo?: number;
}

export interface PointScore {
  score: number;
  isAnomaly: boolean;
  severity: Severity;
  /** Signed standard deviations of the strongest detector. */
  deviation: number;
  expected: number;
  detector: string;
  kind: string;
  /** When the score was damped as a recurring spike: how many similar spikes the series had in `recurDays`. */
  recurring?: number;
  /** The usual range (expectation ± 2 spreads, in the series' units) and how far back the baseline reaches (ms). */
  usual?: { low: number; high: number; spanMs: number };
  /** While the series is still learning: points seen of the points it needs. */
  learning?: { seen: number; needed: number };
}

/** Points a series sees before all its detectors score ("learning: 3 of 30 points seen"). */
export const LEARNING_POINTS = 30;
/** Points the baseline remembers once warmed up (2/α of the robust z-score). */
const MEMORY_POINTS = 667;

export const BASE_THRESHOLD = 0.7;
/**
 * General constants of the combination, the same for every series (never set per series or per data set).
 * Exported so the NAB split bench (`bench/nab/split.ts key=value`) can sweep them; the server never changes them.
 */
export const TUNING = {
  /** Points after an anomaly during which only a stronger departure is reported again. */
  cooldown: 200,
  /**
   * Tail (running 99th percentile of |deviation|, in std) a series may have before its deviations are scaled
   * down. Gaussian noise has 2.6; a little headroom above it keeps heavy-tailed series (request counts, tweet
   * volumes) from being muted too much.
   */
  tailBase: 3.2,
  tailRate: 0.05,
  /** The change detector's deviation is worth less: it also reacts (weaker) to single spikes. */
  shiftWeight: 0.7,
  /** |deviation| (after the tail factor) that scores 0.5; 0.7 (the anomaly threshold) is 0.6 std above it. */
  center: 4.35,
  /** Weight of the slow mean-shift detector (0 disables it). */
  slowWeight: 1,
  /**
   * The slow detector is already measured against its own usual wander, so the series' tail factor mutes it only
   * beyond this many times (a series whose model does not fit at all, tail factor in the tens, stays quiet).
   */
  slowHeadroom: 4,
  /**
   * Recurring spikes: a spike that would be an anomaly is "recurring" when at least `recurMin` earlier spike
   * candidates of the same direction in the last `recurDays` days were about as large (its excess over the
   * expectation between `recurLow` and `recurRatio` times theirs); its score is then multiplied by `recurDamp`.
   * Clearly larger spikes, spikes of a new size and spikes coming sooner than `recurFaster` times the shortest
   * earlier gap between the similar ones (a pattern getting denser) pass. `recurRatio` 0 disables it.
   */
  recurRatio: 1.2,
  recurLow: 0.8,
  recurMin: 4,
  recurDays: 7,
  recurFaster: 0.5,
  recurDamp: 0.5,
  /** Spike candidates remembered per series (time and excess). */
  recurKeep: 8,
  /** Points after a recurring spike during which the change detectors (which react to it) are damped alike. */
  recurEcho: 20,
  /** Weight of the shape-novelty (adaptive resonance) detector; 0 disables it. */
  artWeight: 1,
};
/** |deviation| 99th percentile of Gaussian noise: where a new series' tail estimate starts. */
const GAUSSIAN_TAIL = 2.6;
const robust = createRobustZScore();
const shift = createLevelShift();
const slow = createSlowShift();
const art = createResonance();

export function newSeriesState(options: { log?: boolean; minSpread?: number; shape?: boolean } = {}): SeriesState {
  const state: SeriesState = { v: 1, n: 0, log: options.log ?? false, minSpread: options.minSpread ?? 0, threshold: BASE_THRESHOLD, sinceAlarm: TUNING.cooldown, lastAlarmScore: 0, tail: GAUSSIAN_TAIL, tolerance: 0, z: robust.init(), shift: shift.init(), slow: slow.init() };
  if (options.shape === false) state.shape = false;
  return state;
}

/** Logistic map of |deviation| to [0,1]: 3 std ≈ 0.13, 4.35 std = 0.5, 5 std ≈ 0.71, 6 std ≈ 0.91. */
export function deviationToScore(deviation: number): number {
  return 1 / (1 + Math.exp(-1.4 * (Math.abs(deviation) - TUNING.center)));
}

export function severityOf(score: number): Severity {
  if (score >= 0.95) return 'critical';
  if (score >= 0.85) return 'high';
  if (score >= 0.75) return 'medium';
  return 'low';
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Scores one point from what the series has seen so far, then learns it. The score is the strongest of the
 * detectors; within the cool-down after an anomaly only a clearly stronger departure is reported again.
 */
/** Values beyond this magnitude are read as ±this, so differences and spreads stay finite. */
const MAX_MAGNITUDE = 1e300;
/** Deviations are reported up to this many std (a constant series departing from itself is "infinitely" far). */
const MAX_DEVIATION = 1e6;

/** A value that is not a finite number (NaN, ±Infinity) is neither scored nor learned (the series state stays clean). */
/** Back from the log scale of a series learned on log values. */
const unlog = (state: SeriesState, v: number) => (state.log ? Math.expm1(v) : v);

function unscored(state: SeriesState): PointScore {
  return { score: 0, isAnomaly: false, severity: 'low', deviation: 0, expected: round(state.log ? Math.expm1(state.z.mean) : state.z.mean), detector: 'none', kind: 'not a finite number' };
}

export function observe(state: SeriesState, input: Observation): PointScore {
  if (!Number.isFinite(input.value)) return unscored(state);
  const raw = { value: Math.max(-MAX_MAGNITUDE, Math.min(MAX_MAGNITUDE, input.value)), timestamp: Number.isFinite(input.timestamp) ? input.timestamp : 0 };
  const observation = state.log ? { value: Math.log1p(Math.max(0, raw.value)), timestamp: raw.timestamp } : raw;
  // The change detectors watch what the daily profile does not explain.
  const deseasoned = { value: observation.value - seasonalOffset(state.z, observation.timestamp), timestamp: observation.timestamp };
  const verdicts: [string, Verdict, number][] = [
    [robust.name, robust.score(state.z, observation), 1],
    [shift.name, shift.score(state.shift, deseasoned), TUNING.shiftWeight],
  ];
  state.slow ??= slow.init();
  if (TUNING.slowWeight > 0) verdicts.push([slow.name, slow.score(state.slow, deseasoned), TUNING.slowWeight]);
  if (TUNING.artWeight > 0 && state.shape !== false) verdicts.push([art.name, art.score((state.art ??= art.init()), observation), TUNING.artWeight]);
  let best = verdicts[0]!;
  let bestScore = 0;
  const tailFactor = Math.max(1, state.tail / TUNING.tailBase, state.tolerance / 4);
  for (const entry of verdicts) {
    const verdict = entry[1];
    if (verdict.spread > 0 && verdict.spread < state.minSpread) verdict.deviation *= verdict.spread / state.minSpread;
    const factor = entry[0] === slow.name || entry[0] === art.name ? Math.max(1, tailFactor / TUNING.slowHeadroom) : tailFactor;
    const s = deviationToScore((verdict.deviation * entry[2]) / factor) * (verdict.spread > 0 ? 1 : 0);
    if (s > bestScore) {
      bestScore = s;
      best = entry;
    }
  }
  let score = bestScore;
  // The change detectors echo a recurring spike for a few points after it; those echoes are damped alike.
  if (state.echo) {
    if (best[0] !== robust.name) score *= TUNING.recurDamp;
    state.echo -= 1;
  }
  // A spike of the size this series keeps producing (e.g. a daily job) is damped; the first ones pass.
  let recurring = 0;
  if (TUNING.recurRatio > 0 && best[0] === robust.name && score >= state.threshold) {
    const excess = observation.value - best[1].expected;
    recurring = recurrence(state, excess, observation.timestamp);
    if (recurring > 0) {
      score *= TUNING.recurDamp;
      state.echo = TUNING.recurEcho;
    }
    const recent = (state.recent ??= []);
    recent.push([observation.timestamp, Number(excess.toPrecision(4))]);
    if (recent.length > TUNING.recurKeep) recent.splice(0, recent.length - TUNING.recurKeep);
  }
  const inCooldown = state.sinceAlarm < TUNING.cooldown;
  if (inCooldown && score <= state.lastAlarmScore) score *= 0.5;
  const spotDeviation = Math.abs(verdicts[0]![1].deviation);
  if (verdicts[0]![1].spread > 0) state.tail += TUNING.tailRate * state.tail * (spotDeviation > state.tail ? 0.99 : -0.01) * Math.min(1, spotDeviation / state.tail + 0.1);
  const isAnomaly = score >= state.threshold;
  if (isAnomaly) {
    state.sinceAlarm = 0;
    state.lastAlarmScore = score;
  } else {
    state.sinceAlarm = Math.min(TUNING.cooldown, state.sinceAlarm + 1);
  }
  state.threshold = BASE_THRESHOLD + (state.threshold - BASE_THRESHOLD) * 0.999;
  state.tolerance *= 0.9995;
  state.n += 1;
  robust.learn(state.z, observation);
  shift.learn(state.shift, deseasoned);
  slow.learn(state.slow, deseasoned);
  if (state.art) art.learn(state.art, observation);
  const [detector, verdict] = best;
  const base = verdicts[0]![1];
  // The shape detector's own expectation is a novelty level, not a value: report the baseline's.
  const expected = unlog(state, detector === art.name ? base.expected : verdict.expected);
  const result: PointScore = { score: round(score), isAnomaly, severity: severityOf(score), deviation: round(Math.max(-MAX_DEVIATION, Math.min(MAX_DEVIATION, verdict.deviation)), 2), expected: round(expected), detector, kind: verdict.kind };
  if (recurring > 0) result.recurring = recurring;
  if (state.n < LEARNING_POINTS) result.learning = { seen: state.n, needed: LEARNING_POINTS };
  if (base.spread > 0) {
    const elapsed = Math.max(0, observation.timestamp - state.z.firstAt);
    const spanMs = elapsed * Math.min(1, MEMORY_POINTS / Math.max(1, state.n - 1));
    result.usual = { low: round(unlog(state, base.expected - 2 * base.spread)), high: round(unlog(state, base.expected + 2 * base.spread)), spanMs };
  }
  return result;
}

const DAY_MS = 86_400_000;

/**
 * How many earlier spike candidates of the same direction within `recurDays` this one resembles (its excess
 * between `recurLow` and `recurRatio` times theirs) when there are at least `recurMin` of them; 0 (not recurring)
 * otherwise, or when it comes clearly sooner after the last of them than they ever came after one another.
 */
function recurrence(state: SeriesState, excess: number, timestamp: number): number {
  const size = Math.abs(excess);
  let similar = 0;
  let last = Number.NaN;
  let shortestGap = Number.POSITIVE_INFINITY;
  for (const [at, earlier] of state.recent ?? []) {
    if (timestamp - at > TUNING.recurDays * DAY_MS || Math.sign(earlier) !== Math.sign(excess)) continue;
    if (size > TUNING.recurRatio * Math.abs(earlier) || size < TUNING.recurLow * Math.abs(earlier)) continue;
    similar++;
    if (at - last < shortestGap) shortestGap = at - last;
    last = at;
  }
  if (similar < Math.max(2, TUNING.recurMin)) return 0;
  // Coming clearly sooner than it ever recurred before is news (a pattern getting denser).
  return timestamp - last < TUNING.recurFaster * shortestGap ? 0 : similar;
}

/** False-positive feedback: the value becomes normal for this series and its threshold rises above the score. */
export function absorbFalsePositive(state: SeriesState, raw: Observation, score: number) {
  const observation = state.log ? { value: Math.log1p(Math.max(0, raw.value)), timestamp: raw.timestamp } : raw;
  const verdict = robust.score(state.z, observation);
  state.tolerance = Math.max(state.tolerance ?? 0, Math.abs(verdict.deviation) * 1.1);
  const deseasoned = { value: observation.value - seasonalOffset(state.z, observation.timestamp), timestamp: observation.timestamp };
  shift.absorb(state.shift, deseasoned);
  if (state.slow) slow.absorb(state.slow, deseasoned);
  robust.absorb(state.z, observation);
  state.threshold = Math.min(0.999, Math.max(state.threshold, score + 0.02));
}

export { explain, formatDuration, formatNumber, recurringNote } from './explain';
