import { principalOf } from '../../../server/auth';
import { withMessage } from '../../../server/envelope';
import type { App } from '../../../server/types';
import { rateLimitConfig, updateRateLimitsBody } from './ratelimit.schemas';
import type { RateLimitService } from './ratelimit.service';

export function rateLimitRoutes(deps: { limits: RateLimitService }) {
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
      async (request) => withMessage(await limits.updateConfig(principalOf(request), request.body), 'Rate limit configuration updated successfully'),
    );
  };
}
