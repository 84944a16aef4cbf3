import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import type { SeriesRepository } from './anomalies-series.repository';
import { detect, seriesKey, type IngestEvent } from './detection';
import type { SeriesState } from './detectors/series';
import { createDetectionEngine } from './engine';

/** An in-memory checkpoint table. */
function memoryRepository() {
  const rows = new Map<string, string>();
  const repo = {
    load: async (org: string, keys: string[]) => new Map(keys.filter((k) => rows.has(`${org}/${k}`)).map((k) => [k, rows.get(`${org}/${k}`)!])),
    saveMany: async (list: { organization_id: string; series_key: string; state: string }[]) => {
      for (const r of list) rows.set(`${r.organization_id}/${r.series_key}`, r.state);
    },
    count: async () => rows.size,
  };
  return { rows, repo: repo as unknown as SeriesRepository };
}

const metric = (value: number, i: number): IngestEvent => ({ id: `e${i}`, type: 'metric', source: 'h', name: 'cpu', value, timestamp: i * 60_000 });
const key = seriesKey('m', 'h', 'cpu');

describe('detection engine', () => {
  it('checkpoints changed series and a new engine resumes from them', async () => {
    const { rows, repo } = memoryRepository();
    const engine = createDetectionEngine({ series: repo, logger: createLogger('silent'), options: { checkpointMs: 60_000 } });
    const events = Array.from({ length: 30 }, (_, i) => metric(10 + (i % 2), i));
    await engine.run('o', [key], (states) => ({ commit: async () => detect(events, states) }));
    expect(rows.size).toBe(0);
    await engine.checkpoint();
    expect(JSON.parse(rows.get(`o/${key}`)!).n).toBe(30);

    const restarted = createDetectionEngine({ series: repo, logger: createLogger('silent') });
    const [spike] = await restarted.run('o', [key], (states) => ({ commit: async () => detect([metric(100, 31)], states) }));
    expect(spike!.isAnomaly).toBe(true);
  });

  it('a batch whose commit fails leaves the series as last checkpointed', async () => {
    const { rows, repo } = memoryRepository();
    const engine = createDetectionEngine({ series: repo, logger: createLogger('silent'), options: { checkpointMs: 0 } });
    await engine.run('o', [key], (states) => ({ commit: async () => detect(Array.from({ length: 20 }, (_, i) => metric(5, i)), states) }));
    const failing = engine.run('o', [key], (states) => {
      detect([metric(500, 21)], states);
      return { commit: async () => Promise.reject(new Error('disk full')) };
    });
    await expect(failing).rejects.toThrow('disk full');
    let seen: SeriesState | undefined;
    await engine.run('o', [key], (states) => {
      seen = structuredClone(states.get<SeriesState>(key, () => { throw new Error('should be loaded'); }));
      return { commit: async () => undefined };
    });
    expect(seen!.n).toBe(20);
    expect(JSON.parse(rows.get(`o/${key}`)!).n).toBe(20);
  });
});
