import type { FastifyRequest } from 'fastify';
import { toIso } from '../../../lib/clock';
import { AppError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { App } from '../../../server/types';
import { decisive } from './algorithms';
import { rulesFor, subjectOf } from './policy';
import type { RateLimitService } from './ratelimit.service';
import type { LimitStore, StoreDecision } from './stores';

export interface RateLimitHookDeps {
  limits: RateLimitService;
  store: LimitStore;
  failMode: 'open' | 'closed';
  defaultOrganizationId: () => Promise<string>;
  logger: Logger;
}

/** Liveness, API documentation and WebSocket upgrades are never limited. */
export function isExempt(request: FastifyRequest, path: string): boolean {
  if (path === '/health' || path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/')) return true;
  const upgrade = request.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
}

/** At most one warning per interval, with the number of occurrences it stands for. */
function throttledWarn(logger: Logger, intervalMs: number) {
  let last = -Infinity;
  let suppressed = 0;
  return (error: unknown, message: string) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn({ err: error, suppressed }, message);
    last = now;
    suppressed = 0;
  };
}

/** Runs after authentication resolved `request.principal` (both are root onRequest hooks, auth's first). */
export function installRateLimitHook(app: App, deps: RateLimitHookDeps) {
  const { limits, store, failMode } = deps;
  const warn = throttledWarn(deps.logger, 10_000);

  let defaultOrganization: string | null = null;

  // Cached values are used without an await; only a cold cache or the Redis store waits.
  async function decide(request: FastifyRequest, path: string) {
    const principal = request.principal;
    const organizationId = principal?.organizationId ?? defaultOrganization ?? (defaultOrganization = await deps.defaultOrganizationId());
    const config = limits.cachedConfig(organizationId) ?? (await limits.configFor(organizationId));
    const overrides = limits.cachedOverridesFor(principal, request.ip) ?? (await limits.overridesFor(principal, request.ip));
    const subject = subjectOf(principal, request.ip);
    const rules = rulesFor({ config, subject, path, overrides });
    const decision = store.decideNow ? store.decideNow(config.algorithm, rules) : await store.decide(config.algorithm, rules);
    return { decision, organizationId, subjectKey: `${subject.type}:${subject.value}` };
  }

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (isExempt(request, path)) return;
    let result: { decision: StoreDecision; organizationId: string; subjectKey: string };
    try {
      result = await decide(request, path);
    } catch (error) {
      if (failMode === 'open') {
        warn(error, 'rate limits: store unavailable, admitting requests (VIGIL_RATE_LIMIT_FAIL=open)');
        return;
      }
      warn(error, 'rate limits: store unavailable, refusing requests (VIGIL_RATE_LIMIT_FAIL=closed)');
      throw new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'Rate limiting is temporarily unavailable; retry shortly', headers: { 'retry-after': '1' } });
    }
    const { decision, organizationId, subjectKey } = result;
    const outcome = decisive(decision.outcomes, decision.admitted);
    if (!outcome) return;
    const resetSeconds = Math.ceil(outcome.resetAtMs / 1000);
    reply.header('x-ratelimit-limit', String(outcome.rule.limit));
    reply.header('x-ratelimit-remaining', String(outcome.remaining));
    reply.header('x-ratelimit-reset', String(resetSeconds));
    if (decision.admitted) return;

    const retryAfter = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    const principal = request.principal;
    limits.recordRejection({
      organizationId,
      userId: principal?.userId ?? null,
      apiKeyId: principal?.apiKeyId ?? null,
      ip: request.ip,
      endpoint: path.slice(0, 300),
      method: request.method,
      limitType: outcome.rule.limitType,
      limitValue: outcome.rule.limit,
      currentUsage: outcome.current,
      subjectKey,
      ruleKey: outcome.rule.key,
    });
    throw new AppError({
      code: 'RATE_LIMIT_EXCEEDED',
      message: `Rate limit exceeded. Try again in ${retryAfter} seconds.`,
      headers: {
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': String(outcome.rule.limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(resetSeconds),
      },
      extra: { retry_after: retryAfter },
      details: { limit: outcome.rule.limit, current: outcome.current, reset_at: toIso(outcome.resetAtMs), limit_type: outcome.rule.limitType },
    });
  });
}
