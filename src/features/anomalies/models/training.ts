import { scoreForest, trainForest, type IsolationForest } from './isolation-forest';

/** One stored metric value: `key` names its series (source + metric). */
export interface TrainingPoint {
  key: string;
  value: number;
  timestamp: number;
}

export interface LabeledPoint extends TrainingPoint {
  /** true: a confirmed anomaly; false: reviewed and marked false positive. */
  anomalous: boolean;
}

export interface SeriesStats {
  median: number;
  scale: number;
}

export interface TrainedModel {
  forest: IsolationForest;
  stats: Record<string, SeriesStats>;
  /** Score at or above which a point is predicted anomalous (the contamination quantile of the training scores). */
  threshold: number;
}

export interface ModelMetrics {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  auc: number | null;
  labeledPoints: number;
  positives: number;
  negatives: number;
  note: string;
}

export interface TrainingInput {
  points: TrainingPoint[];
  labeled: LabeledPoint[];
  hyperparameters: { contamination: number; n_estimators: number; max_samples: number; seed: number };
}

const MAX_SERIES = 5_000;

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Features of a point: its robust z-score within its series and the robust z of its step from the previous value. */
export function featuresOf(stats: SeriesStats | undefined, value: number, previous: number | undefined): number[] {
  if (!stats) return [0, 0];
  const z = (value - stats.median) / stats.scale;
  const dz = previous === undefined ? 0 : (value - previous) / stats.scale;
  return [z, dz];
}

function seriesStats(points: TrainingPoint[]): Record<string, SeriesStats> {
  const bySeries = new Map<string, number[]>();
  for (const p of points) {
    const list = bySeries.get(p.key) ?? [];
    list.push(p.value);
    bySeries.set(p.key, list);
  }
  const stats: Record<string, SeriesStats> = {};
  for (const [key, values] of [...bySeries].sort((a, b) => b[1].length - a[1].length).slice(0, MAX_SERIES)) {
    const m = median(values);
    const mad = median(values.map((v) => Math.abs(v - m)));
    stats[key] = { median: m, scale: Math.max(1.4826 * mad, Math.abs(m) * 1e-3, 1e-6) };
  }
  return stats;
}

/** Area under the ROC curve as the probability that a positive outscores a negative (ties count half). */
export function rocAuc(positives: number[], negatives: number[]): number {
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

export function evaluate(scores: { score: number; anomalous: boolean }[], threshold: number): ModelMetrics {
  const positives = scores.filter((s) => s.anomalous);
  const negatives = scores.filter((s) => !s.anomalous);
  const tp = positives.filter((s) => s.score >= threshold).length;
  const fp = negatives.filter((s) => s.score >= threshold).length;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = positives.length > 0 ? tp / positives.length : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision !== null && recall !== null ? 0 : null;
  const auc = positives.length > 0 && negatives.length > 0 ? rocAuc(positives.map((s) => s.score), negatives.map((s) => s.score)) : null;
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);
  return {
    precision: round(precision), recall: round(recall), f1: round(f1), auc: round(auc),
    labeledPoints: scores.length, positives: positives.length, negatives: negatives.length,
    note:
      scores.length === 0
        ? 'No reviewed anomalies yet: acknowledge anomalies (isFalsePositive true/false) to measure the model.'
        : `Measured on ${scores.length} reviewed points (${positives.length} confirmed anomalies, ${negatives.length} false positives); a metric is null when its classes are missing.`,
  };
}

/** Trains on the points (unsupervised) and measures the model on the labeled ones. Pure: runs in a worker. */
export function trainAndEvaluate(input: TrainingInput): { model: TrainedModel; metrics: ModelMetrics } {
  const { points, labeled, hyperparameters: h } = input;
  const stats = seriesStats(points);
  const ordered = [...points].sort((a, b) => a.timestamp - b.timestamp);
  const previous = new Map<string, number>();
  const features: number[][] = [];
  for (const p of ordered) {
    features.push(featuresOf(stats[p.key], p.value, previous.get(p.key)));
    previous.set(p.key, p.value);
  }
  const forest = trainForest(features, { nEstimators: h.n_estimators, sampleSize: h.max_samples, seed: h.seed });
  const trainingScores = features.map((x) => scoreForest(forest, x)).sort((a, b) => a - b);
  const threshold = trainingScores[Math.min(trainingScores.length - 1, Math.floor((1 - h.contamination) * trainingScores.length))] ?? 1;
  const model: TrainedModel = { forest, stats, threshold };
  // A labeled point's step feature uses its predecessor in the training data, when there is one.
  const byKey = new Map<string, TrainingPoint[]>();
  for (const p of ordered) {
    const list = byKey.get(p.key);
    if (list) list.push(p);
    else byKey.set(p.key, [p]);
  }
  const scored = labeled.map((l) => {
    const series = byKey.get(l.key) ?? [];
    let lo = 0;
    let hi = series.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (series[mid]!.timestamp < l.timestamp) lo = mid + 1;
      else hi = mid;
    }
    const before = lo > 0 ? series[lo - 1] : undefined;
    return { score: scoreForest(forest, featuresOf(stats[l.key], l.value, before?.value)), anomalous: l.anomalous };
  });
  return { model, metrics: evaluate(scored, threshold) };
}
