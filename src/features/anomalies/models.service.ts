import { fromJson, isoOrNull, toBool } from '../../db/columns';
import type { Clock } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { AnomaliesRepository } from './anomalies.repository';
import type { EventsRepository } from './anomalies-events.repository';
import type { ExtraScorer } from './detection';
import { formatNumber } from './detectors/series';
import { scoreForest } from './models/isolation-forest';
import { train } from './models/trainer';
import { featuresOf, type ModelMetrics, type TrainedModel, type TrainingInput } from './models/training';
import type { ModelRow, ModelsRepository } from './models.repository';

/** Most stored points a model trains on (the most recent in the range). */
const MAX_TRAINING_POINTS = 200_000;
export const MODEL_VERSION = 'v1.0.0';

export interface TrainRequest {
  algorithm: 'isolation_forest';
  hyperparameters?: { contamination?: number; n_estimators?: number; max_samples?: number; seed?: number };
  dataRange?: { start?: string; end?: string };
}

const seriesOf = (source: string, metric: string) => JSON.stringify([source, metric]);

/** Maps an isolation-forest score to an anomaly score: at the model's threshold 0.5, beyond it rising to 1. */
function compile(model: TrainedModel, version: string): ExtraScorer {
  const previous = new Map<string, number>();
  return (source, metric, value) => {
    const key = seriesOf(source, metric);
    const stats = model.stats[key];
    if (!stats) return null;
    const raw = scoreForest(model.forest, featuresOf(stats, value, previous.get(key)));
    previous.set(key, value);
    if (previous.size > 50_000) previous.delete(previous.keys().next().value!);
    const span = Math.max(1e-6, 1 - model.threshold);
    const score = Math.max(0, Math.min(1, 0.5 + (0.5 * (raw - model.threshold)) / span));
    return { score: raw >= model.threshold ? score : 0, explanation: `isolation forest ${version} finds ${metric} = ${formatNumber(value)} unusual for ${source} (isolation score ${raw.toFixed(3)}, median ${formatNumber(stats.median)})` };
  };
}

function toPublicModel(row: Omit<ModelRow, 'model'>) {
  return {
    modelId: row.id,
    jobId: row.job_id,
    algorithm: row.algorithm,
    version: row.version,
    status: row.status,
    active: toBool(row.active),
    hyperparameters: fromJson<Record<string, unknown>>(row.hyperparameters, {}),
    dataRange: fromJson<Record<string, unknown> | null>(row.data_range, null),
    trainingPoints: Number(row.training_points),
    error: row.error,
    createdAt: isoOrNull(row.created_at)!,
    trainedAt: isoOrNull(row.trained_at),
  };
}

/** Isolation-forest models trained on an organization's stored metric points, in a worker thread. */
export function createModelsService(deps: { models: ModelsRepository; events: EventsRepository; anomalies: AnomaliesRepository; clock: Clock; logger: Logger }) {
  const { models, clock } = deps;
  const scorers = new Map<string, ExtraScorer>();
  const running = new Set<Promise<void>>();

  async function gather(organizationId: string, row: ModelRow): Promise<TrainingInput> {
    const range = fromJson<{ start?: string; end?: string } | null>(row.data_range, null);
    const from = range?.start ? Date.parse(range.start) : undefined;
    const to = range?.end ? Date.parse(range.end) + (/^\d{4}-\d{2}-\d{2}$/.test(range.end) ? 86_399_999 : 0) : undefined;
    const rows = await deps.events.metricValues(organizationId, from, to, MAX_TRAINING_POINTS);
    const points = rows.map((r) => ({ key: seriesOf(r.source, r.name ?? ''), value: Number(r.value), timestamp: Number(r.timestamp) }));
    const labels = await deps.anomalies.labeled(organizationId);
    const events = await deps.events.findByIds(organizationId, labels.map((l) => l.event_id!).slice(0, 5000));
    const byId = new Map(events.map((e) => [e.id, e]));
    const labeled = labels.flatMap((l) => {
      const e = byId.get(l.event_id!);
      if (!e || e.type !== 'metric' || e.value === null) return [];
      return [{ key: seriesOf(e.source, e.name ?? ''), value: Number(e.value), timestamp: Number(e.timestamp), anomalous: !toBool(l.is_false_positive) }];
    });
    const h = fromJson<Required<NonNullable<TrainRequest['hyperparameters']>>>(row.hyperparameters, { contamination: 0.01, n_estimators: 100, max_samples: 256, seed: 42 });
    return { points, labeled, hyperparameters: h };
  }

  async function runJob(organizationId: string, row: ModelRow) {
    try {
      await models.update(row.id, { status: 'training' });
      const input = await gather(organizationId, row);
      if (input.points.length < 10) throw new AppError({ code: 'VALIDATION_ERROR', message: `only ${input.points.length} metric points in the data range; at least 10 are needed` });
      const { model, metrics, where } = await train(input, deps.logger);
      await models.update(row.id, { status: 'ready', model: JSON.stringify(model), metrics: JSON.stringify(metrics), training_points: input.points.length, trained_at: clock.now() });
      deps.logger.info({ modelId: row.id, points: input.points.length, where }, 'anomalies: model trained');
    } catch (error) {
      deps.logger.warn({ err: error, modelId: row.id }, 'anomalies: model training failed');
      await models.update(row.id, { status: 'failed', error: (error as Error).message.slice(0, 500), trained_at: clock.now() }).catch(() => undefined);
    }
  }

  return {
    async train(organizationId: string, request: TrainRequest) {
      const h = request.hyperparameters ?? {};
      const id = newId();
      const row: ModelRow = {
        id, organization_id: organizationId, job_id: `train-${id.slice(0, 8)}`, algorithm: request.algorithm, version: MODEL_VERSION, status: 'queued',
        hyperparameters: JSON.stringify({ contamination: h.contamination ?? 0.01, n_estimators: h.n_estimators ?? 100, max_samples: h.max_samples ?? 256, seed: h.seed ?? 42 }),
        data_range: request.dataRange ? JSON.stringify(request.dataRange) : null, metrics: null, model: null, error: null, active: 0, training_points: 0,
        created_at: clock.now(), trained_at: null,
      };
      await models.insert(row);
      const job = runJob(organizationId, row).finally(() => running.delete(job));
      running.add(job);
      return { jobId: row.job_id, modelId: id, status: 'queued' as const };
    },
    async get(organizationId: string, id: string) {
      const row = await models.find(organizationId, id);
      if (!row) throw notFound('Model');
      return toPublicModel(row);
    },
    async list(organizationId: string) {
      return (await models.list(organizationId)).map(toPublicModel);
    },
    async metrics(organizationId: string, id: string) {
      const row = await models.find(organizationId, id);
      if (!row) throw notFound('Model');
      if (row.status === 'queued' || row.status === 'training') {
        throw new AppError({ code: 'MODEL_NOT_READY', message: `Model ${id} is ${row.status}; metrics are available once training ends`, details: { status: row.status } });
      }
      const metrics = fromJson<ModelMetrics | null>(row.metrics, null);
      return {
        ...toPublicModel(row),
        metrics: metrics ? { precision: metrics.precision, recall: metrics.recall, f1: metrics.f1, auc: metrics.auc } : { precision: null, recall: null, f1: null, auc: null },
        evaluation: metrics ? { labeledPoints: metrics.labeledPoints, positives: metrics.positives, negatives: metrics.negatives, note: metrics.note } : null,
      };
    },
    async activate(organizationId: string, id: string, active: boolean) {
      const row = await models.find(organizationId, id);
      if (!row) throw notFound('Model');
      if (!active) {
        if (toBool(row.active)) {
          await models.deactivateAll(organizationId);
          scorers.delete(organizationId);
        }
        return toPublicModel({ ...row, active: 0 });
      }
      if (row.status !== 'ready' || !row.model) throw new AppError({ code: 'MODEL_NOT_READY', message: `Model ${id} is ${row.status}; only a trained model can be activated` });
      await models.activate(organizationId, id);
      scorers.set(organizationId, compile(JSON.parse(row.model) as TrainedModel, row.version));
      return toPublicModel({ ...row, active: 1 });
    },
    scorerFor: (organizationId: string) => scorers.get(organizationId),
    /** Loads the active models and fails jobs a previous process left half done. */
    async load() {
      await models.failUnfinished(clock.now());
      for (const row of await models.activeModels()) {
        if (row.model) scorers.set(row.organization_id, compile(JSON.parse(row.model) as TrainedModel, row.version));
      }
    },
    /** Resolves when no training job is running (shutdown, tests). */
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type ModelsService = ReturnType<typeof createModelsService>;
