import type { EventBus } from '../../../events/bus';
import type { SettingsStore } from '../../../db/settings';
import type { Clock } from '../../../lib/clock';
import { toIso } from '../../../lib/clock';
import { AppError } from '../../../lib/errors';
import { newId } from '../../../lib/ids';
import type { Logger } from '../../../lib/logger';
import type { Principal } from '../../../server/types';
import { DEFAULT_RATE_LIMITS, type EndpointLimits, type LimitOverride, type LimitPair, type RateLimitConfig, type SubjectType } from './policy';
import type { RateLimitEventRow, RateLimitRepository } from './ratelimit.repository';

const SETTINGS_KEY = 'gateway.rate_limits';
/** Safety net when instances share a database but no Redis bus: cached configuration is re-read this often. */
const CONFIG_TTL_MS = 60_000;
const OVERRIDES_TTL_MS = 30_000;
/** A flood of 429s must not become a flood of webhooks: one event per subject and limit per this interval. */
const PUBLISH_INTERVAL_MS = 10_000;
const MAX_BUFFERED_EVENTS = 50_000;

export interface RateLimitPatch {
  global?: Partial<LimitPair>;
  anonymous?: Partial<LimitPair>;
  endpoints?: Record<string, EndpointLimits>;
  algorithm?: RateLimitConfig['algorithm'];
}

export interface RejectedRequest {
  organizationId: string;
  userId: string | null;
  apiKeyId: string | null;
  ip: string;
  endpoint: string;
  method: string;
  limitType: string;
  limitValue: number;
  currentUsage: number;
  subjectKey: string;
  ruleKey: string;
}

function merge(stored: Partial<RateLimitConfig> | null): RateLimitConfig {
  if (!stored) return DEFAULT_RATE_LIMITS;
  return {
    global: { ...DEFAULT_RATE_LIMITS.global, ...stored.global },
    anonymous: { ...DEFAULT_RATE_LIMITS.anonymous, ...stored.anonymous },
    endpoints: stored.endpoints ?? DEFAULT_RATE_LIMITS.endpoints,
    algorithm: stored.algorithm ?? DEFAULT_RATE_LIMITS.algorithm,
  };
}

/** Configuration per organization, temporary overrides, and the record of refused requests. */
export function createRateLimitService(deps: { repo: RateLimitRepository; settings: SettingsStore; bus: EventBus; clock: Clock; logger: Logger }) {
  const { repo, settings, bus, clock } = deps;
  const configs = new Map<string, { config: RateLimitConfig; loadedAt: number }>();
  let overrides: LimitOverride[] = [];
  let overridesLoadedAt = -Infinity;
  let overridesLoading: Promise<void> | null = null;
  let pendingEvents: RateLimitEventRow[] = [];
  let droppedEvents = 0;
  const lastPublished = new Map<string, number>();

  async function loadOverrides() {
    const rows = await repo.activeOverrides(clock.now());
    overrides = rows.map((r) => ({
      organizationId: r.organization_id,
      subjectType: r.subject_type as SubjectType,
      subjectValue: r.subject_value,
      requestsPerMinute: Number(r.requests_per_minute),
      expiresAt: Number(r.expires_at),
    }));
    overridesLoadedAt = clock.now();
  }

  function invalidate() {
    configs.clear();
    overridesLoadedAt = -Infinity;
  }
  bus.subscribe(['rate_limit.config_updated'], () => invalidate(), { scope: 'cluster' });

  function cachedConfig(organizationId: string): RateLimitConfig | undefined {
    const cached = configs.get(organizationId);
    return cached && clock.now() - cached.loadedAt < CONFIG_TTL_MS ? cached.config : undefined;
  }

  function matchingOverrides(principal: { organizationId: string; userId: string; apiKeyId: string | null } | null, ip: string, now: number) {
    if (overrides.length === 0) return overrides;
    return overrides.filter(
      (o) =>
        o.expiresAt > now &&
        ((o.subjectType === 'ip' && o.subjectValue === ip) ||
          (principal !== null &&
            o.organizationId === principal.organizationId &&
            ((o.subjectType === 'user' && o.subjectValue === principal.userId) ||
              (o.subjectType === 'api_key' && o.subjectValue === principal.apiKeyId)))),
    );
  }

  return {
    /** The configuration when it is cached and fresh (the hot path takes no await then). */
    cachedConfig,

    /** Active overrides for the caller when they are loaded and fresh, else undefined. */
    cachedOverridesFor(principal: { organizationId: string; userId: string; apiKeyId: string | null } | null, ip: string): LimitOverride[] | undefined {
      const now = clock.now();
      return now - overridesLoadedAt < OVERRIDES_TTL_MS ? matchingOverrides(principal, ip, now) : undefined;
    },

    /** Cached; the returned value is the live configuration (do not mutate). */
    async configFor(organizationId: string): Promise<RateLimitConfig> {
      const cached = cachedConfig(organizationId);
      if (cached) return cached;
      const config = merge(await settings.get<Partial<RateLimitConfig> | null>(organizationId, SETTINGS_KEY, null));
      configs.set(organizationId, { config, loadedAt: clock.now() });
      return config;
    },

    async updateConfig(principal: Principal, patch: RateLimitPatch): Promise<RateLimitConfig> {
      const current = await this.configFor(principal.organizationId);
      const next: RateLimitConfig = {
        global: { ...current.global, ...patch.global },
        anonymous: { ...current.anonymous, ...patch.anonymous },
        endpoints: patch.endpoints ?? current.endpoints,
        algorithm: patch.algorithm ?? current.algorithm,
      };
      await settings.put(principal.organizationId, SETTINGS_KEY, next, clock.now());
      configs.set(principal.organizationId, { config: next, loadedAt: clock.now() });
      bus.publish('rate_limit.config_updated', principal.organizationId, { kind: 'config' });
      return next;
    },

    /** Active overrides that apply to this caller: IP overrides from any organization, user and key ones from theirs. */
    async overridesFor(principal: { organizationId: string; userId: string; apiKeyId: string | null } | null, ip: string): Promise<LimitOverride[]> {
      const now = clock.now();
      if (now - overridesLoadedAt >= OVERRIDES_TTL_MS) {
        overridesLoading ??= loadOverrides().finally(() => (overridesLoading = null));
        await overridesLoading;
      }
      return matchingOverrides(principal, ip, now);
    },

    async tighten(input: { organizationId: string; subject: { type: SubjectType; value: string }; requestsPerMinute: number; durationSeconds: number }) {
      const { subject } = input;
      if (!Number.isInteger(input.requestsPerMinute) || input.requestsPerMinute < 1 || !(input.durationSeconds > 0) || !subject.value) {
        throw new AppError({ code: 'VALIDATION_ERROR', message: 'A tightened limit needs a subject, requestsPerMinute >= 1 and durationSeconds > 0' });
      }
      const now = clock.now();
      const until = now + Math.round(input.durationSeconds * 1000);
      await repo.upsertOverride({
        id: newId(),
        organization_id: input.organizationId,
        subject_type: subject.type,
        subject_value: subject.value,
        requests_per_minute: input.requestsPerMinute,
        expires_at: until,
        created_at: now,
      });
      await loadOverrides();
      bus.publish('rate_limit.config_updated', input.organizationId, { kind: 'override' });
      return { subject: `${subject.type}:${subject.value}`, requests_per_minute: input.requestsPerMinute, until: toIso(until) };
    },

    /** Buffers the 429 for the events table and publishes `rate_limit.exceeded` (throttled per subject and limit). */
    recordRejection(r: RejectedRequest) {
      const now = clock.now();
      if (pendingEvents.length >= MAX_BUFFERED_EVENTS) droppedEvents++;
      else
        pendingEvents.push({
          id: newId(),
          organization_id: r.organizationId,
          user_id: r.userId,
          api_key_id: r.apiKeyId,
          ip: r.ip,
          endpoint: r.endpoint,
          method: r.method,
          limit_type: r.limitType,
          limit_value: r.limitValue,
          current_usage: r.currentUsage,
          created_at: now,
        });
      const throttleKey = `${r.subjectKey}|${r.ruleKey}`;
      const last = lastPublished.get(throttleKey);
      if (last !== undefined && now - last < PUBLISH_INTERVAL_MS) return;
      if (lastPublished.size > 10_000) lastPublished.clear();
      lastPublished.set(throttleKey, now);
      bus.publish('rate_limit.exceeded', r.organizationId, {
        user_id: r.userId,
        api_key_id: r.apiKeyId,
        ip: r.ip,
        endpoint: r.endpoint,
        limit_type: r.limitType,
        limit_value: r.limitValue,
        current_usage: r.currentUsage,
      });
    },

    async flushEvents() {
      if (droppedEvents > 0) {
        deps.logger.warn({ dropped: droppedEvents }, 'rate limits: event buffer was full; some 429 records were dropped');
        droppedEvents = 0;
      }
      if (pendingEvents.length === 0) return;
      const batch = pendingEvents;
      pendingEvents = [];
      try {
        await repo.insertEvents(batch);
      } catch (error) {
        deps.logger.warn({ err: error, count: batch.length }, 'rate limits: could not store 429 records; will retry');
        pendingEvents = batch.concat(pendingEvents).slice(0, MAX_BUFFERED_EVENTS);
        throw error;
      }
    },

    async listEvents(filter: Parameters<RateLimitRepository['listEvents']>[0]) {
      await this.flushEvents().catch(() => undefined);
      return repo.listEvents(filter);
    },

    async pruneOverrides() {
      await repo.deleteExpiredOverrides(clock.now());
    },
  };
}

export type RateLimitService = ReturnType<typeof createRateLimitService>;
