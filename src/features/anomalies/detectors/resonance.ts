import type { Detector, Observation, Verdict } from './types';

/**
 * Shape-novelty detector in the adaptive-resonance family (Carpenter & Grossberg's fuzzy ART, as used on NAB by
 * ARTime), written for Vigil from the published descriptions.
 *
 * The recent window of the series (the last `BLOCKS × BLOCK` points, averaged per block of `BLOCK`) is scaled
 * into [0, 1] by the range seen so far and complement-coded; fuzzy ART keeps a bounded set of categories
 * (hyper-boxes) of the windows seen. A window is compared with every category (choice |I∧w|/(α+|w|), match
 * |I∧w|/|I|); the best match at or above the vigilance learns it, otherwise the window becomes a new category.
 * The novelty of a window is 1 − its best match before learning, and its deviation is measured against the
 * series' own running novelty (mean and mean absolute deviation), so the score is calibrated per series.
 * No look-ahead: the range is the range of the past; when it widens, the categories are rescaled with it.
 */
export interface ResonanceState {
  n: number;
  lo: number;
  hi: number;
  /** The last `BLOCKS × BLOCK` values, oldest first. */
  recent: number[];
  /** Categories: [x part (BLOCKS), complement part (BLOCKS)], rounded to 4 decimals to keep checkpoints small. */
  cats: number[][];
  /**
   * How often each category won, decayed by 0.999 per point (for replacing the least used when full), stored as
   * ln(uses) − n·ln(0.999) so only the winner changes per point; larger is more used.
   */
  use: number[];
  novelty: number;
  noveltyDev: number;
}

const BLOCKS = 8;
/** Sweepable from the NAB benches (`bench/nab/cv.ts art.vigilance=0.95`); the server never changes them. */
export const RESONANCE_TUNING = { block: 1, vigilance: 0.9, floor: 0.02, rate: 0.1 };
/** Categories per series (bounded state: 24 × 16 numbers). */
const MAX_CATEGORIES = 24;
const CHOICE_ALPHA = 0.001;
/** Points learned before the detector scores (the window and range must fill first). */
const WARMUP = 200;
const NOVELTY_ALPHA = 0.01;

const LN_USE_DECAY = Math.log(0.999);
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

function features(s: ResonanceState, value: number): number[] | null {
  const block = RESONANCE_TUNING.block;
  const window = BLOCKS * block;
  if (s.recent.length < window - 1) return null;
  const lo = Math.min(s.lo, value);
  const width = Math.max(s.hi, value) - lo || 1;
  const input = new Array<number>(2 * BLOCKS);
  const offset = s.recent.length - (window - 1);
  for (let b = 0; b < BLOCKS; b++) {
    let sum = 0;
    for (let k = 0; k < block; k++) {
      const at = offset + b * block + k;
      sum += at < s.recent.length ? s.recent[at]! : value;
    }
    const x = Math.min(1, Math.max(0, (sum / block - lo) / width));
    input[b] = x;
    input[BLOCKS + b] = 1 - x;
  }
  return input;
}

function best(cats: number[][], input: number[]): { index: number; match: number } {
  let index = -1;
  let choice = -1;
  let bestMatch = 0;
  for (let j = 0; j < cats.length; j++) {
    const w = cats[j]!;
    let and = 0;
    let size = 0;
    for (let i = 0; i < input.length; i++) {
      and += Math.min(input[i]!, w[i]!);
      size += w[i]!;
    }
    const match = and / BLOCKS;
    const t = and / (CHOICE_ALPHA + size);
    if (match > bestMatch) bestMatch = match;
    if (match >= RESONANCE_TUNING.vigilance && t > choice) {
      choice = t;
      index = j;
    }
  }
  return { index, match: bestMatch };
}

/** Maps the categories from the range [lo, hi] to the wider [lo2, hi2] (linear, so exact). */
function rescale(s: ResonanceState, lo2: number, hi2: number) {
  const w1 = s.hi - s.lo;
  const w2 = hi2 - lo2;
  if (!(w1 > 0) || !(w2 > 0)) return;
  const map = (x: number) => (x * w1 + s.lo - lo2) / w2;
  for (const cat of s.cats) {
    for (let i = 0; i < BLOCKS; i++) {
      cat[i] = round4(map(cat[i]!));
      cat[BLOCKS + i] = round4(1 - map(1 - cat[BLOCKS + i]!));
    }
  }
}

export function createResonance(): Detector<ResonanceState> {
  // `score` and then `learn` see the same point; the second reuses the first's match (same state, same value).
  let last: { s: ResonanceState; n: number; value: number; input: number[] | null; found: { index: number; match: number } | null } | null = null;
  function compare(s: ResonanceState, value: number) {
    if (last && last.s === s && last.n === s.n && Object.is(last.value, value)) return last;
    const input = features(s, value);
    const found = input && s.cats.length > 0 ? best(s.cats, input) : null;
    last = { s, n: s.n, value, input, found };
    return last;
  }
  return {
    name: 'resonance',
    init: () => ({ n: 0, lo: 0, hi: 0, recent: [], cats: [], use: [], novelty: 0, noveltyDev: 0 }),
    score(s, { value }: Observation): Verdict {
      const found = s.n >= WARMUP ? compare(s, value).found : null;
      if (!found) return { deviation: 0, expected: 0, spread: 0, kind: 'warming up' };
      const spread = Math.max(1.2533 * s.noveltyDev, RESONANCE_TUNING.floor);
      return { deviation: Math.max(0, 1 - found.match - s.novelty) / spread, expected: s.novelty, spread, kind: 'unusual shape' };
    },
    learn,
    absorb: learn,
  };
  function learn(s: ResonanceState, { value }: Observation) {
    if (!Number.isFinite(value)) return;
    const { found } = compare(s, value);
    let widened = false;
    if (found) {
      const nov = 1 - found.match;
      const spread = Math.max(1.2533 * s.noveltyDev, RESONANCE_TUNING.floor);
      const bounded = s.n > WARMUP ? Math.min(nov, s.novelty + 4 * spread) : nov;
      const a = Math.max(1 / Math.max(1, s.n - BLOCKS * RESONANCE_TUNING.block), NOVELTY_ALPHA);
      s.noveltyDev += a * (Math.abs(bounded - s.novelty) - s.noveltyDev);
      s.novelty += a * (bounded - s.novelty);
    }
    if (s.n === 0) {
      s.lo = value;
      s.hi = value;
    } else if (value < s.lo || value > s.hi) {
      const lo2 = Math.min(s.lo, value);
      const hi2 = Math.max(s.hi, value);
      rescale(s, lo2, hi2);
      s.lo = lo2;
      s.hi = hi2;
      widened = true;
    }
    // The categories are learned in the (possibly widened) range of the point itself.
    const input = widened ? features(s, value) : compare(s, value).input;
    s.recent.push(value);
    if (s.recent.length > BLOCKS * RESONANCE_TUNING.block) s.recent.splice(0, s.recent.length - BLOCKS * RESONANCE_TUNING.block);
    s.n += 1;
    if (!input) return;
    const { index } = widened || !found ? best(s.cats, input) : found;
    if (index >= 0) {
      const w = s.cats[index]!;
      const rate = RESONANCE_TUNING.rate;
      // Fuzzy ART learning only lowers a weight where the input is below it; the others stay as they are.
      for (let i = 0; i < w.length; i++) if (input[i]! < w[i]!) w[i] = round4(rate * input[i]! + (1 - rate) * w[i]!);
      s.use[index] = Math.log(Math.exp(s.use[index]! + s.n * LN_USE_DECAY) + 1) - s.n * LN_USE_DECAY;
      return;
    }
    const fresh = input.map(round4);
    if (s.cats.length < MAX_CATEGORIES) {
      s.cats.push(fresh);
      s.use.push(-s.n * LN_USE_DECAY);
      return;
    }
    let least = 0;
    for (let j = 1; j < s.use.length; j++) if (s.use[j]! < s.use[least]!) least = j;
    s.cats[least] = fresh;
    s.use[least] = -s.n * LN_USE_DECAY;
  }
}
