import type { Logger } from '../../lib/logger';
import type { AnyState, StateAccess } from './detection';
import type { SeriesRepository } from './anomalies-series.repository';

export type SeriesCheckpointRow = { organization_id: string; series_key: string; state: string; updated_at: number };

/** Most series states kept in memory; beyond it the oldest-loaded clean (checkpointed) ones are dropped and reload on use. */
const MAX_CACHED = 200_000;

export interface EngineOptions {
  /** Checkpoint changed series at most this often (ms); also on stop. 0 checkpoints after every batch. */
  checkpointMs: number;
  /** Checkpoint at once when this many series have changed since the last checkpoint. */
  maxDirty: number;
}

/**
 * Holds series states in memory and checkpoints the changed ones to the database, after a batch when the
 * last checkpoint is older than `checkpointMs`, and on stop. Batches run one at a time. A batch whose
 * transaction fails drops the series it touched from memory, so they resume from their last checkpoint
 * rather than keep values that were never stored.
 */
export function createDetectionEngine(deps: {
  series: SeriesRepository;
  logger: Logger;
  now?: () => number;
  options?: Partial<EngineOptions>;
  /** Stores a checkpoint instead of `series.saveMany` (a partition owner saves its log position with it, fenced). */
  persist?: (rows: SeriesCheckpointRow[]) => Promise<void>;
}) {
  const options: EngineOptions = { checkpointMs: 1_000, maxDirty: 20_000, ...deps.options };
  const now = deps.now ?? (() => performance.now());
  const cache = new Map<string, AnyState>();
  const dirty = new Set<string>();
  let lastCheckpoint = now();
  let queue: Promise<unknown> = Promise.resolve();

  const cacheKey = (organizationId: string, key: string) => `${organizationId}\u0000${key}`;
  const splitKey = (full: string) => {
    const at = full.indexOf('\u0000');
    return { organizationId: full.slice(0, at), key: full.slice(at + 1) };
  };

  function remember(full: string, state: AnyState) {
    cache.set(full, state);
    if (cache.size <= MAX_CACHED) return;
    for (const candidate of cache.keys()) {
      if (!dirty.has(candidate)) {
        cache.delete(candidate);
        return;
      }
    }
  }

  async function ensureLoaded(organizationId: string, keys: string[]) {
    const missing = [...new Set(keys)].filter((key) => !cache.has(cacheKey(organizationId, key)));
    if (missing.length === 0) return;
    const stored = await deps.series.load(organizationId, missing);
    for (const [key, text] of stored) {
      try {
        remember(cacheKey(organizationId, key), JSON.parse(text) as AnyState);
      } catch {
        deps.logger.warn({ key }, 'anomalies: unreadable series checkpoint; the series starts afresh');
      }
    }
  }

  async function writeCheckpoint() {
    if (dirty.size === 0) return;
    const keys = [...dirty];
    dirty.clear();
    const at = Date.now();
    const rows = keys.flatMap((full) => {
      const state = cache.get(full);
      if (!state) return [];
      const { organizationId, key } = splitKey(full);
      return [{ organization_id: organizationId, series_key: key, state: JSON.stringify(state), updated_at: at }];
    });
    try {
      await (deps.persist ? deps.persist(rows) : deps.series.saveMany(rows));
      lastCheckpoint = now();
    } catch (error) {
      for (const key of keys) dirty.add(key);
      deps.logger.warn({ err: error, series: keys.length }, 'anomalies: could not checkpoint detector state; will retry');
    }
  }

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` exclusively on the live states of `keys`; `commit` stores the batch. */
  function run<T>(organizationId: string, keys: string[], work: (states: StateAccess) => { commit: () => Promise<T> }): Promise<T> {
    return exclusive(async () => {
      await ensureLoaded(organizationId, keys);
      const touched: string[] = [];
      const access: StateAccess = {
        get<S extends AnyState>(key: string, create: () => S): S {
          const full = cacheKey(organizationId, key);
          let state = cache.get(full) as S | undefined;
          if (state === undefined) {
            state = create();
            if (state) remember(full, state);
          }
          touched.push(full);
          return state;
        },
      };
      const { commit } = work(access);
      try {
        const result = await commit();
        for (const full of touched) if (cache.has(full)) dirty.add(full);
        if (options.checkpointMs === 0 || dirty.size >= options.maxDirty || now() - lastCheckpoint >= options.checkpointMs) await writeCheckpoint();
        return result;
      } catch (error) {
        // They resume from their last checkpoint (losing at most `checkpointMs` of learning), never from values that were not stored.
        for (const full of touched) {
          cache.delete(full);
          dirty.delete(full);
        }
        throw error;
      }
    });
  }

  return {
    run,
    /** Writes every changed series now (on stop, and for tests). */
    checkpoint: () => exclusive(writeCheckpoint),
    size: () => cache.size,
    clear: () => {
      cache.clear();
      dirty.clear();
    },
  };
}

export type DetectionEngine = ReturnType<typeof createDetectionEngine>;
