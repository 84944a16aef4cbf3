import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { idParam } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import { alertRule, createAlertRuleBody } from './alert-rules.schemas';
import type { AlertsService } from './alerts.service';
import type { EventsRepository } from './anomalies-events.repository';
import type { AnomaliesService } from './anomalies.service';
import type { DataPointsService } from './data-points.service';
import { acknowledgeBody, dataPointBody, dataPointResult, pageQuery, v1AnomaliesList, v1AnomaliesQuery, v1Anomaly } from './v1.schemas';

type PublicAnomaly = Awaited<ReturnType<AnomaliesService['get']>>;

/** Seed 003 speaks of `detected` where DriftLock says `open`. */
const toV1Status = (status: PublicAnomaly['status']): 'detected' | 'acknowledged' | 'resolved' => (status === 'open' ? 'detected' : status);
const fromV1Status = (status: 'detected' | 'acknowledged' | 'resolved') => (status === 'detected' ? 'open' : status);

function toV1(a: PublicAnomaly) {
  return {
    id: a.id, sourceId: a.source, metric: a.metric, score: a.score, severity: a.severity, status: toV1Status(a.status),
    detectedAt: a.detected_at, explanation: a.explanation, value: a.value, expected: a.expected, notes: a.notes,
    isFalsePositive: a.is_false_positive, acknowledgedAt: a.acknowledged_at, resolvedAt: a.resolved_at,
  };
}

/** Anomaly Detection System routes (`/v1`, bare JSON): data points, anomalies, acknowledgement, alert rules. */
export function v1Routes(deps: { dataPoints: DataPointsService; anomalies: AnomaliesService; alerts: AlertsService; events: EventsRepository }) {
  return (app: App) => {
    app.post(
      '/v1/data',
      { schema: { tags: ['v1'], summary: 'Push a data point; every value is scored at once', body: dataPointBody, response: { 202: dataPointResult } } },
      async (request, reply) => reply.status(202).send(await deps.dataPoints.push(principalOf(request).organizationId, request.body)),
    );
    app.get(
      '/v1/anomalies',
      { schema: { tags: ['v1'], summary: 'List anomalies', querystring: v1AnomaliesQuery, response: { 200: v1AnomaliesList } } },
      async (request) => {
        const q = request.query;
        const { organizationId } = principalOf(request);
        if (q.sourceId && !(await deps.events.hasSource(organizationId, q.sourceId))) {
          throw new AppError({ code: 'SOURCE_NOT_FOUND', message: `No data has been received from source '${q.sourceId}'` });
        }
        const { items, total } = await deps.anomalies.list(
          organizationId,
          {
            status: q.status ? fromV1Status(q.status) : undefined, severity: q.severity, source: q.sourceId, metric: q.metric,
            from: q.start ? Date.parse(q.start) : undefined, to: q.end ? Date.parse(q.end) : undefined,
          },
          q.limit,
          (q.page - 1) * q.limit,
        );
        return { anomalies: items.map(toV1), total, page: q.page, limit: q.limit };
      },
    );
    app.get(
      '/v1/anomalies/:id',
      { schema: { tags: ['v1'], summary: 'One anomaly', params: z.object({ id: idParam }), response: { 200: v1Anomaly } } },
      async (request) => toV1(await deps.anomalies.get(principalOf(request).organizationId, request.params.id)),
    );
    app.patch(
      '/v1/alerts/:alertId/acknowledge',
      {
        schema: {
          tags: ['v1'], summary: 'Acknowledge an alert (the anomaly); isFalsePositive teaches its series detector',
          params: z.object({ alertId: idParam }), body: acknowledgeBody,
          response: { 200: v1Anomaly.extend({ alertId: z.string(), acknowledged: z.boolean() }) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const body = request.body ?? {};
        const updated = await deps.anomalies.acknowledge(principal.organizationId, principal.userId, request.params.alertId, { notes: body.notes, isFalsePositive: body.isFalsePositive });
        return { ...toV1(updated), alertId: updated.id, acknowledged: true };
      },
    );
    app.post(
      '/v1/alert-rules',
      { schema: { tags: ['v1'], summary: 'Create an alert rule', body: createAlertRuleBody, response: { 201: alertRule } } },
      async (request, reply) => {
        const principal = principalOf(request);
        return reply.status(201).send(await deps.alerts.create(principal.organizationId, principal.userId, request.body));
      },
    );
    app.get(
      '/v1/alert-rules',
      { schema: { tags: ['v1'], summary: 'List alert rules', querystring: pageQuery, response: { 200: z.object({ rules: z.array(alertRule), total: z.number().int(), page: z.number().int() }) } } },
      async (request) => {
        const { limit, page } = request.query;
        return { ...(await deps.alerts.list(principalOf(request).organizationId, limit, (page - 1) * limit)), page };
      },
    );
    app.get(
      '/v1/alert-rules/:id',
      { schema: { tags: ['v1'], summary: 'One alert rule', params: z.object({ id: idParam }), response: { 200: alertRule } } },
      async (request) => deps.alerts.get(principalOf(request).organizationId, request.params.id),
    );
    app.delete(
      '/v1/alert-rules/:id',
      { schema: { tags: ['v1'], summary: 'Delete an alert rule', params: z.object({ id: idParam }), response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } } },
      async (request) => deps.alerts.remove(principalOf(request).organizationId, request.params.id),
    );
    app.get(
      '/v1/alerts/:alertId/notifications',
      {
        schema: {
          tags: ['v1'], summary: 'What the alert rules sent for this anomaly', params: z.object({ alertId: idParam }),
          response: { 200: z.object({ notifications: z.array(z.object({ id: z.string(), ruleId: z.string(), firedAt: z.string(), escalatedAt: z.string().nullable(), deliveries: z.array(z.object({ channel: z.string(), status: z.string(), delivery_id: z.string().optional(), reason: z.string().optional() })) })) }) },
        },
      },
      async (request) => {
        const { organizationId } = principalOf(request);
        await deps.anomalies.get(organizationId, request.params.alertId);
        return { notifications: await deps.alerts.firings(organizationId, request.params.alertId) };
      },
    );
  };
}
