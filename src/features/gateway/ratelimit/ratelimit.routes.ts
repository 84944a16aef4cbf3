import { principalOf } from '../../../server/auth';
import { withMessage } from '../../../server/envelope';
import type { App } from '../../../server/types';
import { rateLimitConfig, updateRateLimitsBody } from './ratelimit.schemas';
import type { RateLimitService } from './ratelimit.service';
import type { AuditApi } from '../../audit/audit.api';

export function rateLimitRoutes(deps: { limits: RateLimitService; audit?: AuditApi }) {
  const { limits } = deps;
  return (app: App) => {
    app.get(
      '/api/v1/rate-limits',
      { schema: { tags: ['rate-limits'], summary: "The caller's organization's rate limits", response: { 200: rateLimitConfig } } },
      async (request) => limits.configFor(principalOf(request).organizationId),
    );
    app.put(
      '/api/v1/rate-limits',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['rate-limits'],
          summary: "Change the organization's rate limits (admin); effective at once on every instance",
          body: updateRateLimitsBody,
          response: { 200: rateLimitConfig },
        },
      },
      async (request) => {
        const updated = await limits.updateConfig(principalOf(request), request.body);
        await deps.audit?.record({ organizationId: principalOf(request).organizationId, action: 'rate_limits.updated', actor: principalOf(request), target: { type: 'rate_limits', id: null }, details: { changed: Object.keys(request.body ?? {}) } });
        return withMessage(updated, 'Rate limit configuration updated successfully');
      },
    );
  };
}
