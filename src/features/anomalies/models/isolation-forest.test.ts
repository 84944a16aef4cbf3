import { describe, expect, it } from 'vitest';
import { averagePath, randomSource, scoreForest, trainForest } from './isolation-forest';
import { evaluate, rocAuc, trainAndEvaluate } from './training';

describe('isolation forest', () => {
  const random = randomSource(7);
  const normal = Array.from({ length: 1000 }, () => [random() * 2 - 1, random() * 2 - 1]);

  it('isolates an outlier faster than the bulk', () => {
    const forest = trainForest(normal, { nEstimators: 100, seed: 1 });
    const inside = scoreForest(forest, [0, 0]);
    const outside = scoreForest(forest, [8, -8]);
    expect(outside).toBeGreaterThan(0.65);
    expect(inside).toBeLessThan(0.5);
  });

  it('is deterministic for a seed', () => {
    expect(trainForest(normal, { nEstimators: 5, seed: 3 })).toEqual(trainForest(normal, { nEstimators: 5, seed: 3 }));
  });

  it('uses the published normalising constant', () => {
    expect(averagePath(256)).toBeCloseTo(10.24, 1);
  });
});

describe('training metrics', () => {
  it('computes precision, recall, f1 and AUC from labels, and null when a class is missing', () => {
    const m = evaluate([{ score: 0.9, anomalous: true }, { score: 0.8, anomalous: false }, { score: 0.3, anomalous: true }, { score: 0.2, anomalous: false }], 0.7);
    expect(m).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, auc: 0.75, labeledPoints: 4 });
    expect(rocAuc([1], [0])).toBe(1);
    const none = evaluate([], 0.5);
    expect(none).toMatchObject({ precision: null, recall: null, f1: null, auc: null, labeledPoints: 0 });
  });

  it('trains on series points and ranks a labeled outlier above a labeled normal value', () => {
    const random = randomSource(11);
    const points = Array.from({ length: 600 }, (_, i) => ({ key: 's|cpu', value: 50 + random() * 4, timestamp: i }));
    const { model, metrics } = trainAndEvaluate({
      points,
      labeled: [
        { key: 's|cpu', value: 500, timestamp: 601, anomalous: true },
        { key: 's|cpu', value: 52, timestamp: 602, anomalous: false },
      ],
      hyperparameters: { contamination: 0.01, n_estimators: 50, max_samples: 256, seed: 1 },
    });
    expect(metrics.auc).toBe(1);
    expect(metrics.recall).toBe(1);
    expect(model.stats['s|cpu']!.median).toBeGreaterThan(50);
  });
});
