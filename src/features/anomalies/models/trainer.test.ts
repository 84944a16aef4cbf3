import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { train } from './trainer';

describe('trainer', () => {
  it('trains in a worker thread (tsx loads the TypeScript worker)', async () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ key: 'a', value: 10 + (i % 5), timestamp: i }));
    const result = await train({ points, labeled: [], hyperparameters: { contamination: 0.05, n_estimators: 10, max_samples: 64, seed: 1 } }, createLogger('silent'));
    expect(result.where).toBe('worker');
    expect(result.model.forest.trees).toHaveLength(10);
    expect(result.metrics.labeledPoints).toBe(0);
  });
});
