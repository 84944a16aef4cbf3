import { z } from 'zod';
import { idParam, isoDate } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import type { ModelsService } from './models.service';

const trainBody = z.object({
  algorithm: z.literal('isolation_forest').default('isolation_forest'),
  hyperparameters: z
    .object({
      contamination: z.number().gt(0).max(0.5).optional(),
      n_estimators: z.number().int().min(1).max(1000).optional(),
      max_samples: z.number().int().min(2).max(100_000).optional(),
      seed: z.number().int().min(0).max(2 ** 31).optional(),
    })
    .optional(),
  dataRange: z
    .object({ start: isoDate.optional(), end: isoDate.optional() })
    .refine((r) => !r.start || !r.end || Date.parse(r.start) <= Date.parse(r.end), { message: 'start must not be after end', path: ['start'] })
    .optional(),
});

const model = z.object({
  modelId: z.string(),
  jobId: z.string(),
  algorithm: z.string(),
  version: z.string(),
  status: z.enum(['queued', 'training', 'ready', 'failed']),
  active: z.boolean(),
  hyperparameters: z.record(z.string(), z.unknown()),
  dataRange: z.record(z.string(), z.unknown()).nullable(),
  trainingPoints: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  trainedAt: z.string().nullable(),
});

const metric = z.number().nullable();
const metrics = model.extend({
  metrics: z.object({ precision: metric, recall: metric, f1: metric, auc: metric }),
  evaluation: z.object({ labeledPoints: z.number().int(), positives: z.number().int(), negatives: z.number().int(), note: z.string() }).nullable(),
});

/** Seed 003 model routes (`/v1`, bare JSON). */
export function modelsRoutes(deps: { models: ModelsService }) {
  return (app: App) => {
    app.post(
      '/v1/models/train',
      {
        schema: {
          tags: ['v1'], summary: 'Train an isolation forest on stored metric points (in a worker thread)', body: trainBody,
          response: { 202: z.object({ jobId: z.string(), modelId: z.string(), status: z.literal('queued') }) },
        },
      },
      async (request, reply) => reply.status(202).send(await deps.models.train(principalOf(request).organizationId, request.body)),
    );
    app.get(
      '/v1/models',
      { schema: { tags: ['v1'], summary: 'List models', response: { 200: z.object({ models: z.array(model) }) } } },
      async (request) => ({ models: await deps.models.list(principalOf(request).organizationId) }),
    );
    app.get(
      '/v1/models/:modelId',
      { schema: { tags: ['v1'], summary: 'One model and its training status', params: z.object({ modelId: idParam }), response: { 200: model } } },
      async (request) => deps.models.get(principalOf(request).organizationId, request.params.modelId),
    );
    app.get(
      '/v1/models/:modelId/metrics',
      { schema: { tags: ['v1'], summary: 'Precision, recall, f1 and AUC on reviewed anomalies (503 until trained)', params: z.object({ modelId: idParam }), response: { 200: metrics } } },
      async (request) => deps.models.metrics(principalOf(request).organizationId, request.params.modelId),
    );
    app.post(
      '/v1/models/:modelId/activate',
      {
        schema: {
          tags: ['v1'], summary: 'Use a trained model as an extra scorer of metric points (or stop, with {"active": false})',
          params: z.object({ modelId: idParam }), body: z.object({ active: z.boolean().default(true) }).nullish(), response: { 200: model },
        },
      },
      async (request) => deps.models.activate(principalOf(request).organizationId, request.params.modelId, request.body?.active ?? true),
    );
  };
}
