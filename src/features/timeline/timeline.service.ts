import { fromJson } from '../../db/columns';
import { notFound } from '../../lib/errors';
import type { Principal } from '../../server/types';
import { identityOf, linkChanges, sortEntries, type Change, type TimelineEntry } from './timeline.logic';
import type { TimelineRepository } from './timeline.repository';

interface StoredFinding {
  kind: string;
  field: string | null;
  severity: string;
  resource_id: string | null;
  provider_id: string | null;
  resource_address: string | null;
  state_id: string | null;
  suppressed_by?: string | null;
}

const RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };
const iso = (ms: number | string | null) => new Date(Number(ms)).toISOString();

/** One resource's timeline: drift, threats, anomalies and state operations, newest first (see docs/timeline.md). */
export function createTimelineService(deps: { repo: TimelineRepository }) {
  const { repo } = deps;

  return {
    async forResource(principal: Principal, idOrProviderId: string, limit: number) {
      const organizationId = principal.organizationId;
      const resource = await repo.resource(organizationId, idOrProviderId);
      if (!resource) throw notFound('Resource');
      const ids = [resource.id, resource.resource_id];

      const results = await repo.driftResults(organizationId, ids);
      const entries: TimelineEntry[] = [];
      const changes: Change[] = [];
      const addresses = new Set<string>();
      const stateIds = new Set<string>();
      for (const result of results) {
        const mine = fromJson<StoredFinding[]>(result.drifts, []).filter((f) => f.resource_id === resource.id || (f.provider_id !== null && f.provider_id === resource.resource_id));
        if (mine.length === 0) continue;
        for (const f of mine) {
          if (f.resource_address) addresses.add(f.resource_address);
          if (f.state_id) stateIds.add(f.state_id);
        }
        const at = Number(result.completed_at ?? result.created_at);
        const fields = mine.map((f) => (f.kind === 'changed' ? `${f.field} changed` : f.kind));
        const severity = mine.reduce((best, f) => ((RANK[f.severity] ?? 0) > (RANK[best] ?? 0) ? f.severity : best), 'low');
        const silenced = mine.every((f) => f.suppressed_by) ? (mine[0]!.suppressed_by ?? null) : null;
        entries.push({ engine: 'drift', kind: 'drift_detected', severity, id: result.id, at: iso(at), title: `${mine.length} drift(s): ${fields.join(', ')}`, suppressed_by: silenced, related_change: null });
        changes.push({ engine: 'drift', id: result.id, kind: 'drift_detected', what: fields.join(', '), at });
      }

      const identity = identityOf({ ...resource, tags: fromJson(resource.tags, {}), attributes: fromJson(resource.attributes, {}) }, [...addresses]);
      const [threats, anomalies, stateChanges] = await Promise.all([
        repo.threats(organizationId, identity.identifiers, identity.ips),
        repo.anomalies(organizationId, identity.identifiers),
        repo.stateChanges(organizationId, [...addresses, resource.resource_id]),
      ]);
      for (const t of threats) {
        entries.push({ engine: 'threat', kind: t.threat_type, severity: t.severity, id: t.id, at: iso(t.detected_at), title: t.explanation.slice(0, 300), suppressed_by: t.suppressed_by ?? null, related_change: null });
      }
      for (const a of anomalies) {
        entries.push({ engine: 'anomaly', kind: a.kind, severity: a.severity, id: a.id, at: iso(a.detected_at), title: a.explanation.slice(0, 300), suppressed_by: a.suppressed_by ?? null, related_change: null });
      }
      for (const s of stateChanges) {
        stateIds.add(s.state_id);
        entries.push({ engine: 'state', kind: s.action, severity: null, id: s.id, at: iso(s.created_at), title: s.reason ?? s.action, suppressed_by: null, related_change: null });
        changes.push({ engine: 'state', id: s.id, kind: s.action, what: s.reason ?? s.action, at: Number(s.created_at) });
      }
      for (const lock of await repo.locks(organizationId, [...stateIds])) {
        entries.push({ engine: 'state', kind: 'locked', severity: null, id: lock.lock_id, at: iso(lock.created_at), title: `state ${lock.state_id} locked by ${lock.who} (${lock.operation})`, suppressed_by: null, related_change: null });
      }

      const ordered = sortEntries(linkChanges(entries, changes));
      return {
        resource: { id: resource.id, resource_id: resource.resource_id, type: resource.type, name: resource.name, addresses: identity.addresses, identifiers: identity.identifiers },
        entries: ordered.slice(0, limit),
        total: ordered.length,
      };
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
