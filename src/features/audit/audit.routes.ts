import { paginated } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import type { AuditService } from './audit.service';
import { auditQuery, auditRecord } from './audit.schemas';

export function auditRoutes(deps: { audit: AuditService }) {
  return (app: App) => {
    app.get(
      '/api/v1/audit',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['audit'],
          summary: 'The organization\'s audit trail, newest first (filters: action, actor, outcome, target, time range)',
          querystring: auditQuery,
          response: { 200: paginated(auditRecord) },
        },
      },
      async (request) => {
        const q = request.query;
        return deps.audit.list(
          principalOf(request).organizationId,
          {
            action: q.action,
            actorUserId: q.actor_user_id,
            outcome: q.outcome,
            targetType: q.target_type,
            targetId: q.target_id,
            from: q.from ? Date.parse(q.from) : undefined,
            to: q.to ? Date.parse(q.to) : undefined,
          },
          q.page,
          q.size,
        );
      },
    );
  };
}
