/**
 * The NAB scoring rules (numenta/NAB v1.1), as summarised in ../shared/data/nab/README.md, written for Vigil.
 */
export interface CostProfile {
  tp: number;
  fn: number;
  fp: number;
}

export const PROFILES: Record<string, CostProfile> = {
  standard: { tp: 1, fn: 1, fp: 0.11 },
  reward_low_FP_rate: { tp: 1, fn: 1, fp: 0.22 },
  reward_low_FN_rate: { tp: 1, fn: 2, fp: 0.11 },
};

export interface ScoredFile {
  name: string;
  scores: number[];
  /** Windows as inclusive row-index pairs, in order. */
  windows: [number, number][];
}

/** f(y) = 2/(1+e^(5y)) - 1 for y <= 3, -1 beyond. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

export const probationRows = (n: number) => Math.min(Math.floor(0.15 * n), 750);

/** Raw score of one file at one threshold. */
export function scoreFile(file: ScoredFile, threshold: number, profile: CostProfile): number {
  const { scores, windows } = file;
  const probation = probationRows(scores.length);
  const detected = new Array(windows.length).fill(false);
  let total = 0;
  let w = 0;
  for (let i = probation; i < scores.length; i++) {
    if (scores[i]! < threshold) continue;
    while (w < windows.length && windows[w]![1] < i) w++;
    const window = windows[w];
    if (window && window[0] <= i) {
      if (!detected[w]) {
        detected[w] = true;
        const [left, right] = window;
        const width = right - left + 1;
        total += (profile.tp * scaledSigmoid(-(right - i + 1) / width)) / scaledSigmoid(-1);
      }
      continue;
    }
    const previous = windows[w - 1];
    if (w > 0 && previous) {
      const width = previous[1] - previous[0] + 1;
      total += profile.fp * scaledSigmoid((i - previous[1]) / Math.max(1, width - 1));
    } else {
      total -= profile.fp;
    }
  }
  for (const hit of detected) if (!hit) total -= profile.fn;
  return total;
}

/** Normalised corpus score at the threshold that maximises it (one threshold for the whole corpus). */
export function scoreCorpus(files: ScoredFile[], profile: CostProfile): { score: number; threshold: number; raw: number } {
  const windowCount = files.reduce((sum, f) => sum + f.windows.length, 0);
  const perfect = profile.tp * windowCount;
  const nul = -profile.fn * windowCount;
  const candidates = new Set<number>();
  for (let t = 0.3; t <= 1.0001; t += 0.005) candidates.add(Math.round(t * 1000) / 1000);
  let best = { score: Number.NEGATIVE_INFINITY, threshold: 1, raw: 0 };
  for (const threshold of candidates) {
    const raw = files.reduce((sum, file) => sum + scoreFile(file, threshold, profile), 0);
    const score = (100 * (raw - nul)) / (perfect - nul);
    if (score > best.score) best = { score, threshold, raw };
  }
  return best;
}
