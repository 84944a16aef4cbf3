import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { Principal } from '../../server/types';
import type { AuditApi, AuditEntry } from './audit.api';
import type { AuditFilter, AuditRepository, AuditRow } from './audit.repository';

const isPrincipal = (actor: AuditEntry['actor']): actor is Principal => Boolean(actor && 'organizationId' in actor);

export function toPublicAudit(row: AuditRow) {
  return {
    id: row.id,
    organization_id: row.organization_id,
    action: row.action,
    outcome: row.outcome,
    actor: { user_id: row.actor_user_id, username: row.actor_username, api_key_id: row.actor_api_key_id },
    address: row.address,
    target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
    created_at: new Date(Number(row.created_at)).toISOString(),
  };
}

/** The audit trail: one row per security-relevant action, then `audit.recorded` on the bus (webhooks can stream it). */
export function createAuditService(deps: { repo: AuditRepository; bus: EventBus; clock: Clock; logger: Logger }) {
  const { repo, bus, clock, logger } = deps;

  const api: AuditApi = {
    async record(entry) {
      const actor = entry.actor ?? null;
      const row: AuditRow = {
        id: newId(),
        organization_id: entry.organizationId,
        actor_user_id: actor?.userId ?? null,
        actor_username: actor?.username ?? null,
        actor_api_key_id: actor?.apiKeyId ?? null,
        address: entry.address ?? (isPrincipal(actor) ? (actor.ip ?? null) : null),
        action: entry.action,
        target_type: entry.target?.type ?? null,
        target_id: entry.target?.id ?? null,
        outcome: entry.outcome ?? 'success',
        details: entry.details ? JSON.stringify(entry.details).slice(0, 4000) : null,
        created_at: clock.now(),
      };
      try {
        await repo.insert(row);
      } catch (error) {
        // The action itself already happened; losing its record is logged loudly rather than failing the caller.
        logger.error({ err: error, action: entry.action }, 'audit: could not record an entry');
        return;
      }
      const { organization_id: _org, ...data } = toPublicAudit(row);
      bus.publish('audit.recorded', row.organization_id, { audit_id: row.id, ...data });
    },
  };

  return {
    ...api,
    async list(organizationId: string, filter: AuditFilter, page: number, size: number) {
      const { items, total } = await repo.list(organizationId, filter, page, size);
      return { items: items.map(toPublicAudit), total, page, size };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
