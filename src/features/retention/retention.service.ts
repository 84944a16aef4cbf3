import type { SettingsStore } from '../../db/settings';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { Principal } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import { DAY_MS, RETENTION_DEFAULTS, RETENTION_KINDS, effectiveRetention, type RetentionSettings } from './retention.logic';
import { TARGETS, type RetentionRepository } from './retention.repository';

const SETTINGS_KEY = 'retention';
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Bounded storage: each organization's retention windows (defaults, admin overrides) and the pruner, which
 * deletes expired rows in small batches, yielding between them so ingest and requests keep flowing.
 */
export function createRetentionService(deps: { repo: RetentionRepository; settings: SettingsStore; clock: Clock; logger: Logger; audit: AuditApi; batchSize: number }) {
  const { repo, settings, clock } = deps;
  let running: Promise<Record<string, number>> | null = null;

  async function get(organizationId: string): Promise<RetentionSettings> {
    return effectiveRetention(await settings.get<Partial<RetentionSettings> | null>(organizationId, SETTINGS_KEY, null));
  }

  async function pruneOrganization(organizationId: string, totals: Record<string, number>) {
    const windows = await get(organizationId);
    const now = clock.now();
    for (const kind of RETENTION_KINDS) {
      const cutoff = now - windows[kind] * DAY_MS;
      for (const target of TARGETS[kind]!) {
        for (;;) {
          const removed = await repo.pruneBatch(target, organizationId, cutoff, deps.batchSize);
          totals[target.table] = (totals[target.table] ?? 0) + removed;
          await yieldToOthers();
          if (removed < deps.batchSize) break;
        }
      }
    }
  }

  async function pruneAll(): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const organizationId of await repo.organizationIds()) await pruneOrganization(organizationId, totals);
    totals.login_throttle = await repo.pruneLoginThrottle(clock.now() - DAY_MS, clock.now());
    return totals;
  }

  return {
    async describe(organizationId: string) {
      return { ...(await get(organizationId)), defaults: { ...RETENTION_DEFAULTS } };
    },
    async update(principal: Principal, patch: Partial<RetentionSettings>) {
      const next = { ...(await get(principal.organizationId)), ...patch };
      await settings.put(principal.organizationId, SETTINGS_KEY, next, clock.now());
      await deps.audit.record({ organizationId: principal.organizationId, action: 'settings.updated', actor: principal, target: { type: 'settings', id: SETTINGS_KEY }, details: { changed: patch } });
      return { ...next, defaults: { ...RETENTION_DEFAULTS } };
    },
    /** Resolves once no pass is running (shutdown waits for it rather than cutting a batch). */
    async idle() {
      await running?.catch(() => undefined);
    },
    /** One pass over every organization; concurrent calls share the pass in progress. */
    prune(): Promise<Record<string, number>> {
      running ??= pruneAll().finally(() => (running = null));
      return running;
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
