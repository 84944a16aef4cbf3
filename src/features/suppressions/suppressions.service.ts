import { fromJson, isoOrNull } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { badRequest, forbidden, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Principal } from '../../server/types';
import {
  admitsCritical, canonicalAllowlistValue, compileMatch, cronProblem, parseDurationSeconds, validTimeZone, windowActive,
} from './suppressions.logic';
import { toActive, type SuppressionMatcher } from './suppressions.matcher';
import type { AllowlistRow, SuppressionRow, SuppressionsRepository } from './suppressions.repository';
import type { CreateSuppressionBody } from './suppressions.schemas';

export const MAX_SUPPRESSION_MS = 90 * 86_400_000;
const MAX_WINDOW_S = 7 * 86_400;

const field = (name: string, message: string) => badRequest(`${name} ${message}`, [{ field: name, message }]);

/** Create, list, read and delete suppressions and allowlist entries; changes drop the matcher's cached copy. */
export function createSuppressionsService(deps: { repo: SuppressionsRepository; matcher: SuppressionMatcher; bus: EventBus; clock: Clock }) {
  const { repo, clock, bus } = deps;

  function toPublic(row: SuppressionRow) {
    const now = clock.now();
    const active = toActive(row);
    const scheduleActive = active.schedule ? windowActive(active.schedule, now) : true;
    return {
      id: row.id,
      engine: active.engine,
      match: fromJson<Record<string, unknown>>(row.match, {}),
      reason: row.reason,
      owner: row.owner,
      created_by: row.created_by,
      expires_at: isoOrNull(row.expires_at),
      schedule: row.schedule_cron ? { cron: row.schedule_cron, duration_seconds: Number(row.schedule_duration_s), timezone: row.schedule_tz ?? 'UTC' } : null,
      active: (active.expiresAt === null || now < active.expiresAt) && scheduleActive,
      silences_critical: active.allowCritical,
      origin: row.origin,
      created_at: isoOrNull(row.created_at)!,
    };
  }

  function allowlistPublic(row: AllowlistRow) {
    return {
      id: row.id,
      value: row.value,
      reason: row.reason,
      created_by: row.created_by,
      expires_at: isoOrNull(row.expires_at),
      active: row.expires_at === null || clock.now() < Number(row.expires_at),
      created_at: isoOrNull(row.created_at)!,
    };
  }

  function expiry(text: string | undefined, now: number, required: boolean, maxMs: number | null = MAX_SUPPRESSION_MS): number | null {
    if (text === undefined) {
      if (required) throw field('body.expires_at', 'is required unless a schedule is given (at most 90 days away)');
      return null;
    }
    const at = Date.parse(text);
    if (at <= now) throw field('body.expires_at', 'must be in the future');
    if (maxMs !== null && at > now + maxMs) throw field('body.expires_at', 'must be at most 90 days away');
    return at;
  }

  function schedule(input: CreateSuppressionBody['schedule']) {
    if (!input) return { cron: null, duration: null, tz: null };
    if (!validTimeZone(input.timezone)) throw field('body.schedule.timezone', `'${input.timezone}' is not an IANA time zone`);
    const problem = cronProblem(input.cron, input.timezone);
    if (problem) throw field('body.schedule.cron', `is not a valid cron expression: ${problem}`);
    const duration = parseDurationSeconds(input.duration);
    if (duration === null) throw field('body.schedule.duration', "must be a duration such as '2h', '30m' or a number of seconds");
    if (duration > MAX_WINDOW_S) throw field('body.schedule.duration', 'must be at most 7 days');
    return { cron: input.cron, duration, tz: input.timezone };
  }

  const announce = (organizationId: string, id: string, action: string, event: 'suppression.changed' | 'allowlist.changed') => {
    deps.matcher.invalidate(organizationId);
    if (event === 'suppression.changed') bus.publish(event, organizationId, { suppression_id: id, action });
    else bus.publish(event, organizationId, { entry_id: id, action });
  };

  return {
    async create(principal: Principal, body: CreateSuppressionBody) {
      const now = clock.now();
      const { conditions, problems } = compileMatch(body.match);
      if (problems.length > 0) {
        const details = problems.map((p) => ({ field: `body.${p.field}`, message: p.message }));
        throw badRequest(`${details[0]!.field} ${details[0]!.message}`, details);
      }
      const isAdmin = principal.role === 'admin';
      if (body.engine === 'any' && !isAdmin) throw forbidden('Only an admin may create a suppression for every engine (engine: any)');
      if (!isAdmin && conditions.some((c) => c.field === 'severity') && admitsCritical(conditions)) {
        throw forbidden('Only an admin may create a suppression that matches critical severity');
      }
      const window = schedule(body.schedule);
      const row: SuppressionRow = {
        id: newId(),
        organization_id: principal.organizationId,
        engine: body.engine,
        match: JSON.stringify(body.match),
        reason: body.reason,
        owner: body.owner ?? (principal.email || principal.username),
        created_by: principal.email || principal.username,
        allow_critical: isAdmin ? 1 : 0,
        expires_at: expiry(body.expires_at, now, window.cron === null),
        schedule_cron: window.cron,
        schedule_duration_s: window.duration,
        schedule_tz: window.tz,
        origin: 'api',
        created_at: now,
      };
      await repo.insert(row);
      announce(principal.organizationId, row.id, 'created', 'suppression.changed');
      return toPublic(row);
    },
    async list(principal: Principal, query: { engine?: string; include_expired: 'true' | 'false'; page: number; size: number }) {
      const { items, total } = await repo.list(principal.organizationId, { engine: query.engine, activeAt: query.include_expired === 'true' ? undefined : clock.now() }, query.page, query.size);
      return { items: items.map(toPublic), total, page: query.page, size: query.size };
    },
    async get(principal: Principal, id: string) {
      const row = await repo.find(principal.organizationId, id);
      if (!row) throw notFound('Suppression');
      return toPublic(row);
    },
    async remove(principal: Principal, id: string) {
      if (!(await repo.remove(principal.organizationId, id))) throw notFound('Suppression');
      announce(principal.organizationId, id, 'deleted', 'suppression.changed');
      return { id, deleted: true };
    },

    async addAllowlist(principal: Principal, body: { value: string; reason: string; expires_at?: string }) {
      const value = canonicalAllowlistValue(body.value);
      if (!value) throw field('body.value', `'${body.value}' is not an IPv4/IPv6 address or CIDR`);
      const now = clock.now();
      const row: AllowlistRow = {
        id: newId(),
        organization_id: principal.organizationId,
        value,
        reason: body.reason,
        created_by: principal.email || principal.username,
        expires_at: expiry(body.expires_at, now, false, null),
        created_at: now,
      };
      await repo.insertAllowlist(row);
      announce(principal.organizationId, row.id, 'created', 'allowlist.changed');
      return allowlistPublic(row);
    },
    async listAllowlist(principal: Principal, page: number, size: number) {
      const { items, total } = await repo.listAllowlist(principal.organizationId, page, size);
      return { items: items.map(allowlistPublic), total, page, size };
    },
    async getAllowlist(principal: Principal, id: string) {
      const row = await repo.findAllowlist(principal.organizationId, id);
      if (!row) throw notFound('Allowlist entry');
      return allowlistPublic(row);
    },
    async removeAllowlist(principal: Principal, id: string) {
      if (!(await repo.removeAllowlist(principal.organizationId, id))) throw notFound('Allowlist entry');
      announce(principal.organizationId, id, 'deleted', 'allowlist.changed');
      return { id, deleted: true };
    },
  };
}

export type SuppressionsService = ReturnType<typeof createSuppressionsService>;
