import { performance } from 'node:perf_hooks';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { ALLOWLIST_PREFIX, type SuppressionsApi } from './suppressions.api';
import {
  allowlistEntryFor, cidrTest, compileMatch, firstSuppressing, type ActiveSuppression, type AllowlistEntry, type Engine, type Finding,
} from './suppressions.logic';
import type { AllowlistRow, SuppressionRow, SuppressionsRepository } from './suppressions.repository';

/** How long a loaded set is trusted before it is read again (other instances' changes also arrive on the bus). */
const CACHE_MS = 5_000;

export function toActive(row: SuppressionRow): ActiveSuppression {
  return {
    id: row.id,
    engine: row.engine as Engine,
    conditions: compileMatch(JSON.parse(row.match)).conditions,
    allowCritical: row.allow_critical === 1,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    schedule: row.schedule_cron ? { cron: row.schedule_cron, durationMs: Number(row.schedule_duration_s) * 1000, tz: row.schedule_tz ?? 'UTC' } : null,
    createdAt: Number(row.created_at),
  };
}

function toEntry(row: AllowlistRow): AllowlistEntry & { reason: string } {
  return { id: row.id, value: row.value, reason: row.reason, expiresAt: row.expires_at === null ? null : Number(row.expires_at), test: cidrTest(row.value) ?? (() => false) };
}

interface Loaded {
  suppressions: ActiveSuppression[];
  allowlist: (AllowlistEntry & { reason: string })[];
  loadedAt: number;
}

/**
 * Answers "is this finding silenced?" from a per-organization compiled copy of the unexpired suppressions and
 * allowlist, reloaded after CACHE_MS or when a change is announced. Expiry and windows are checked against the
 * clock at each call, so a cached suppression stops matching the moment it expires.
 */
export function createSuppressionMatcher(deps: { repo: SuppressionsRepository; clock: Clock; logger: Logger }) {
  const cache = new Map<string, Promise<Loaded>>();

  function load(organizationId: string): Promise<Loaded> {
    const cached = cache.get(organizationId);
    if (cached) return cached.then((loaded) => (performance.now() - loaded.loadedAt < CACHE_MS ? loaded : reload(organizationId, cached)));
    return reload(organizationId, undefined);
  }

  function reload(organizationId: string, stale: Promise<Loaded> | undefined): Promise<Loaded> {
    const current = cache.get(organizationId);
    if (current && current !== stale) return current;
    const now = deps.clock.now();
    const loading = Promise.all([deps.repo.unexpired(organizationId, now), deps.repo.unexpiredAllowlist(organizationId, now)]).then(([suppressions, allowlist]) => ({
      suppressions: suppressions.map(toActive),
      allowlist: allowlist.map(toEntry),
      loadedAt: performance.now(),
    }));
    cache.set(organizationId, loading);
    loading.catch(() => cache.get(organizationId) === loading && cache.delete(organizationId));
    return loading;
  }

  function decide(loaded: Loaded, finding: Finding, now: number): string | null {
    const entry = allowlistEntryFor(loaded.allowlist, finding.source_ip, now);
    if (entry) return `${ALLOWLIST_PREFIX}${entry.id}`;
    return firstSuppressing(loaded.suppressions, finding, now);
  }

  const api: SuppressionsApi = {
    async match(organizationId, finding) {
      return (await api.matchMany(organizationId, [finding]))[0] ?? null;
    },
    async matchMany(organizationId, findings) {
      if (findings.length === 0) return [];
      try {
        const loaded = await load(organizationId);
        const now = deps.clock.now();
        return findings.map((finding) => decide(loaded, finding, now));
      } catch (error) {
        deps.logger.error({ err: error }, 'suppressions: could not load; findings notify as usual');
        return findings.map(() => null);
      }
    },
    async allowlisted(organizationId, address) {
      try {
        const entry = allowlistEntryFor((await load(organizationId)).allowlist, address, deps.clock.now());
        return entry ? { id: entry.id, value: entry.value, reason: (entry as AllowlistEntry & { reason: string }).reason } : null;
      } catch (error) {
        deps.logger.error({ err: error }, 'suppressions: could not load the allowlist');
        return null;
      }
    },
  };

  return {
    api,
    /** Drops the organization's cached copy (after a local change or a change announced by another instance). */
    invalidate(organizationId: string) {
      cache.delete(organizationId);
    },
  };
}

export type SuppressionMatcher = ReturnType<typeof createSuppressionMatcher>;
