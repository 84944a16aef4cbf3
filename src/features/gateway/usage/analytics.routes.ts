import { z } from 'zod';
import { toIso } from '../../../lib/clock';
import { AppError, badRequest, forbidden } from '../../../lib/errors';
import { isoDate, shortText, uuidString } from '../../../lib/schemas';
import { principalOf } from '../../../server/auth';
import type { App, Principal } from '../../../server/types';
import { rateLimitEvents, rateLimitEventsQuery } from '../ratelimit/ratelimit.schemas';
import type { RateLimitService } from '../ratelimit/ratelimit.service';
import { bucketRange, sqlBucket, summarize } from './buckets';
import type { UsageRecorder } from './usage.recorder';
import type { UsageRepository } from './usage.repository';

const MAX_DATA_POINTS = 10_000;

const usageQuery = z.object({
  start_date: isoDate,
  end_date: isoDate,
  interval: z.enum(['minute', 'hour', 'day', 'week', 'month']).default('hour'),
  endpoint: shortText(300).optional(),
  user_id: uuidString.optional(),
});

const dataPoint = z.object({
  timestamp: z.string(),
  requests: z.number().int(),
  success_count: z.number().int(),
  error_count: z.number().int(),
  average_response_time: z.number(),
});
const usageResponse = z.object({
  total_requests: z.number().int(),
  success_rate: z.number(),
  average_response_time: z.number(),
  interval: z.string(),
  data_points: z.array(dataPoint),
});

function range(query: { start_date: string; end_date: string }) {
  const from = Date.parse(query.start_date);
  const to = Date.parse(query.end_date);
  if (from > to) throw badRequest('start_date must not be after end_date', [{ field: 'querystring.start_date', message: 'after end_date' }]);
  return { from, to };
}

/** A user sees their own traffic; an admin sees the whole organization and may filter by any user of it. */
function userScope(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role === 'admin') return requested;
  if (requested && requested !== principal.userId) throw forbidden("Only administrators may read other users' analytics");
  return principal.userId;
}

export function analyticsRoutes(deps: { usage: UsageRepository; recorder: UsageRecorder; limits: RateLimitService }) {
  return (app: App) => {
    app.get(
      '/api/v1/analytics/usage',
      { schema: { tags: ['analytics'], summary: 'Request counts, success rate and latency per interval', querystring: usageQuery, response: { 200: usageResponse } } },
      async (request) => {
        const principal = principalOf(request);
        const { from, to } = range(request.query);
        const { interval } = request.query;
        const starts = bucketRange(interval, from, to, MAX_DATA_POINTS);
        if (!starts) throw new AppError({ code: 'VALIDATION_ERROR', message: `The range spans more than ${MAX_DATA_POINTS} ${interval} intervals; use a larger interval` });
        await deps.recorder.flush().catch(() => undefined);
        const { size, offset } = sqlBucket(interval);
        const rows = await deps.usage.totals(
          { organizationId: principal.organizationId, from, to, endpoint: request.query.endpoint, userId: userScope(principal, request.query.user_id) },
          size,
          offset,
        );
        return { ...summarize(interval, starts, rows), interval };
      },
    );

    app.get(
      '/api/v1/analytics/rate-limits',
      { schema: { tags: ['analytics'], summary: 'Requests refused by rate limits (429)', querystring: rateLimitEventsQuery, response: { 200: rateLimitEvents } } },
      async (request) => {
        const principal = principalOf(request);
        const { from, to } = range(request.query);
        const { rows, total } = await deps.limits.listEvents({
          organizationId: principal.organizationId,
          from,
          to: to + 1,
          userId: userScope(principal, request.query.user_id),
          apiKeyId: request.query.api_key_id,
          limit: request.query.limit,
        });
        return {
          total_events: total,
          events: rows.map((r) => ({
            id: r.id,
            timestamp: toIso(Number(r.created_at)),
            user_id: r.user_id,
            api_key_id: r.api_key_id,
            ip: r.ip,
            endpoint: r.endpoint,
            method: r.method,
            limit_type: r.limit_type,
            limit_value: Number(r.limit_value),
            current_usage: Number(r.current_usage),
          })),
        };
      },
    );
  };
}
