import type { FastifyReply, FastifyRequest } from 'fastify';
import { toIso } from '../../../lib/clock';
import { AppError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { App } from '../../../server/types';
import { decisive, type RuleOutcome } from './algorithms';
import { rulesFor, subjectOf, type LimitOverride, type RateLimitConfig, type Subject } from './policy';
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
  type Decided = { admitted: boolean; outcome: RuleOutcome | null; organizationId: string; subject: Subject };

  function rulesOf(request: FastifyRequest, path: string, config: RateLimitConfig, overrides: LimitOverride[]) {
    const subject = subjectOf(request.principal, request.ip);
    return { rules: rulesFor({ config, subject, path, overrides }), subject };
  }

  /** With warm caches and the in-memory store a decision needs no await: the common case stays synchronous. */
  function decideSync(request: FastifyRequest, path: string): Decided | null {
    if (!store.decideDecisive) return null;
    const organizationId = request.principal?.organizationId ?? defaultOrganization;
    if (!organizationId) return null;
    const config = limits.cachedConfig(organizationId);
    const overrides = limits.cachedOverridesFor(request.principal, request.ip);
    if (!config || !overrides) return null;
    const { rules, subject } = rulesOf(request, path, config, overrides);
    const { admitted, outcome } = store.decideDecisive(config.algorithm, rules);
    return { admitted, outcome, organizationId, subject };
  }

  async function decide(request: FastifyRequest, path: string): Promise<Decided> {
    const principal = request.principal;
    const organizationId = principal?.organizationId ?? defaultOrganization ?? (defaultOrganization = await deps.defaultOrganizationId());
    const config = limits.cachedConfig(organizationId) ?? (await limits.configFor(organizationId));
    const overrides = limits.cachedOverridesFor(principal, request.ip) ?? (await limits.overridesFor(principal, request.ip));
    const { rules, subject } = rulesOf(request, path, config, overrides);
    if (store.decideDecisive) return { ...store.decideDecisive(config.algorithm, rules), organizationId, subject };
    const decision: StoreDecision = await store.decide(config.algorithm, rules);
    return { admitted: decision.admitted, outcome: decisive(decision.outcomes, decision.admitted), organizationId, subject };
  }

  /** The store failed: admit (open) or refuse with 503 (closed), with a throttled warning either way. */
  function unavailable(error: unknown): AppError | undefined {
    if (failMode === 'open') {
      warn(error, 'rate limits: store unavailable, admitting requests (VIGIL_RATE_LIMIT_FAIL=open)');
      return undefined;
    }
    warn(error, 'rate limits: store unavailable, refusing requests (VIGIL_RATE_LIMIT_FAIL=closed)');
    return new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'Rate limiting is temporarily unavailable; retry shortly', headers: { 'retry-after': '1' } });
  }

  /** Sets the X-RateLimit-* headers; returns the 429 when the request is refused. */
  function apply(request: FastifyRequest, reply: FastifyReply, path: string, result: Decided): AppError | undefined {
    const { admitted, outcome, organizationId, subject } = result;
    if (!outcome) return undefined;
    const resetSeconds = Math.ceil(outcome.resetAtMs / 1000);
    reply.header('x-ratelimit-limit', String(outcome.rule.limit));
    reply.header('x-ratelimit-remaining', String(outcome.remaining));
    reply.header('x-ratelimit-reset', String(resetSeconds));
    if (admitted) return undefined;
    const subjectKey = `${subject.type}:${subject.value}`;

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
    return new AppError({
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
  }

  // Callback style, not async: the synchronous path then costs no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (isExempt(request, path)) return done();
    let now: Decided | null;
    try {
      now = decideSync(request, path);
    } catch (error) {
      return done(unavailable(error));
    }
    if (now) return done(apply(request, reply, path, now));
    decide(request, path).then(
      (result) => done(apply(request, reply, path, result)),
      (error: unknown) => done(unavailable(error)),
    );
  });
}
