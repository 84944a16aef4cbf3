import { z } from 'zod';
import { fromJson, isoOrNull } from '../../db/columns';
import { idParam } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { AnomaliesService } from './anomalies.service';
import type { EventRow, EventsRepository } from './anomalies-events.repository';
import {
  anomaliesList, anomaliesQuery, anomaly, dashboardStats, eventsList, eventsQuery, ingestBody, ingestResult,
} from './anomalies.schemas';
import type { IngestService } from './ingest.service';

const ms = (iso?: string) => (iso === undefined ? undefined : Date.parse(iso));
const offsetOf = (q: { page: number; limit: number; offset?: number }) => q.offset ?? (q.page - 1) * q.limit;

function toPublicEvent(row: EventRow) {
  return {
    id: row.id, type: row.type, source: row.source, timestamp: isoOrNull(row.timestamp)!, name: row.name,
    value: row.value === null ? null : Number(row.value), level: row.level, message: row.message, trace_id: row.trace_id,
    span_id: row.span_id, duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    metadata: fromJson<Record<string, unknown> | null>(row.metadata, null), received_at: isoOrNull(row.received_at)!,
  };
}

/** DriftLock routes (`/api/v1`, envelope). */
export function anomaliesRoutes(deps: { ingest: IngestService; anomalies: AnomaliesService; events: EventsRepository; ingestBodyLimit: number }) {
  return (app: App) => {
    app.post(
      '/api/v1/events/ingest',
      {
        bodyLimit: deps.ingestBodyLimit,
        schema: { tags: ['anomalies'], summary: 'Ingest metric, log and trace events (committed before 2xx)', body: ingestBody, response: { 202: ingestResult } },
      },
      async (request, reply) => {
        const { organizationId } = principalOf(request);
        const events = deps.ingest.validate(request.body.events);
        const outcome = await deps.ingest.ingest(organizationId, events);
        const payload = {
          accepted: events.length,
          event_ids: events.map((e) => e.id),
          anomalies_detected: outcome.anomalies.length,
          anomalies: outcome.anomalies.map((a) => ({ id: a.id, source: a.source, metric: a.metric, score: Number(a.score), severity: a.severity, explanation: a.explanation })),
        };
        return reply.status(202).send(withMessage(payload, `${events.length} events ingested`));
      },
    );
    app.get(
      '/api/v1/events',
      { schema: { tags: ['anomalies'], summary: 'List ingested events', querystring: eventsQuery, response: { 200: eventsList } } },
      async (request) => {
        const q = request.query;
        const { items, total } = await deps.events.list(
          principalOf(request).organizationId,
          { type: q.type, source: q.source, name: q.name, from: ms(q.start_time), to: ms(q.end_time) },
          q.limit,
          offsetOf(q),
        );
        return { events: items.map(toPublicEvent), total, page: q.page, limit: q.limit };
      },
    );
    app.get(
      '/api/v1/anomalies',
      { schema: { tags: ['anomalies'], summary: 'List anomalies', querystring: anomaliesQuery, response: { 200: anomaliesList } } },
      async (request) => {
        const q = request.query;
        const { items, total } = await deps.anomalies.list(
          principalOf(request).organizationId,
          { status: q.status, severity: q.severity, source: q.source, metric: q.metric, from: ms(q.start_time), to: ms(q.end_time) },
          q.limit,
          offsetOf(q),
        );
        return { anomalies: items, total, page: q.page, limit: q.limit };
      },
    );
    app.get(
      '/api/v1/anomalies/:id',
      { schema: { tags: ['anomalies'], summary: 'One anomaly', params: z.object({ id: idParam }), response: { 200: anomaly } } },
      async (request) => deps.anomalies.get(principalOf(request).organizationId, request.params.id),
    );
    app.put(
      '/api/v1/anomalies/:id/resolve',
      {
        schema: {
          tags: ['anomalies'], summary: 'Mark an anomaly resolved', params: z.object({ id: idParam }),
          body: z.object({ notes: z.string().trim().max(2000).optional() }).nullish(), response: { 200: anomaly },
        },
      },
      async (request) => withMessage(await deps.anomalies.resolve(principalOf(request).organizationId, request.params.id, request.body?.notes), 'Anomaly resolved'),
    );
    app.delete(
      '/api/v1/anomalies/:id',
      { schema: { tags: ['anomalies'], summary: 'Delete an anomaly', params: z.object({ id: idParam }), response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } } },
      async (request) => withMessage(await deps.anomalies.remove(principalOf(request).organizationId, request.params.id), 'Anomaly deleted'),
    );
    app.get(
      '/api/v1/dashboard/stats',
      { schema: { tags: ['anomalies'], summary: 'Anomaly counts for the dashboard', response: { 200: dashboardStats } } },
      async (request) => deps.anomalies.stats(principalOf(request).organizationId),
    );
    app.get(
      '/api/v1/dashboard/recent',
      {
        schema: {
          tags: ['anomalies'], summary: 'Most recent anomalies',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
          response: { 200: z.object({ anomalies: z.array(anomaly), total: z.number().int() }) },
        },
      },
      async (request) => {
        const { items, total } = await deps.anomalies.list(principalOf(request).organizationId, {}, request.query.limit, 0);
        return { anomalies: items, total };
      },
    );
  };
}
