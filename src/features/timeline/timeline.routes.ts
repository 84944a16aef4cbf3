import { z } from 'zod';
import { idParam } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import type { TimelineService } from './timeline.service';

const entry = z.object({
  engine: z.enum(['drift', 'threat', 'anomaly', 'state']),
  kind: z.string(),
  severity: z.string().nullable(),
  id: z.string(),
  at: z.string(),
  title: z.string(),
  suppressed_by: z.string().nullable(),
  related_change: z.object({ engine: z.string(), id: z.string(), kind: z.string(), what: z.string(), minutes_before: z.number(), summary: z.string() }).nullable(),
});
const timeline = z.object({
  resource: z.object({ id: z.string(), resource_id: z.string(), type: z.string(), name: z.string(), addresses: z.array(z.string()), identifiers: z.array(z.string()) }),
  entries: z.array(entry),
  total: z.number().int(),
});

export function timelineRoutes(deps: { timeline: TimelineService }) {
  return (app: App) => {
    app.get(
      '/api/v1/resources/:id/timeline',
      {
        schema: {
          tags: ['resources'],
          summary: "One resource's drift, threats, anomalies and state operations, newest first (id: Vigil id or the provider's id)",
          params: z.object({ id: idParam }),
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: timeline },
        },
      },
      async (request) => deps.timeline.forResource(principalOf(request), request.params.id, request.query.limit),
    );
  };
}
