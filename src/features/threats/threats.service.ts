import { fromJson, isoOrNull, toJson } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Principal } from '../../server/types';
import type { Detection } from './detection-types';
import type { Iocs } from './iocs';
import type { PlaybooksRepository } from './playbooks.repository';
import { nextSeq, type ThreatFilter, type ThreatRow, type ThreatsRepository, type TimelineRow } from './threats.repository';
import type { ThreatsOpsRepository } from './threats-ops.repository';

export const THREAT_STATUSES = ['detected', 'analyzing', 'mitigated', 'false_positive', 'acknowledged'] as const;
export type ThreatStatus = (typeof THREAT_STATUSES)[number];

export const threatNotFound = (id: string) => new AppError({ code: 'THREAT_NOT_FOUND', message: `Threat with ID ${id} not found` });

export function toThreatSummary(row: ThreatRow) {
  return {
    id: row.id,
    type: row.threat_type,
    threat_type: row.threat_type,
    severity: row.severity,
    confidence: Number(row.confidence),
    status: row.status,
    impact_usd: Number(row.impact_usd),
    source_ip: row.source_ip,
    target: row.target,
    mitre_attack: fromJson<string[]>(row.mitre_attack, []),
    simulated: row.simulated === 1,
    occurrences: Number(row.occurrences),
    detected_at: isoOrNull(row.detected_at)!,
    last_seen_at: isoOrNull(row.last_seen_at)!,
    mitigated_at: isoOrNull(row.mitigated_at),
    suppressed_by: row.suppressed_by ?? null,
  };
}

function toTimelineEntry(row: TimelineRow) {
  const details = fromJson<Record<string, unknown>>(row.details, {});
  return {
    timestamp: isoOrNull(row.at)!,
    event: row.event,
    ...(row.agent ? { agent: row.agent } : {}),
    ...(row.actor ? { user: row.actor } : {}),
    ...details,
  };
}

/** Threat records: list with filters, detail with timeline and IOCs, status changes with an audit entry. */
export function createThreatsService(deps: {
  repo: ThreatsRepository;
  playbooks: PlaybooksRepository;
  ops: ThreatsOpsRepository;
  bus: EventBus;
  clock: Clock;
}) {
  const { repo, clock } = deps;

  async function findOwned(organizationId: string, id: string) {
    const threat = await repo.findThreat(organizationId, id);
    if (!threat) throw threatNotFound(id);
    return threat;
  }

  return {
    async list(organizationId: string, filter: ThreatFilter, page: number, limit: number) {
      const { items, total } = await repo.listThreats(organizationId, filter, page, limit);
      return { threats: items.map(toThreatSummary), pagination: { page, limit, total, pages: Math.ceil(total / limit) } };
    },

    async get(organizationId: string, id: string) {
      const threat = await findOwned(organizationId, id);
      const [timeline, playbooks, evidence] = await Promise.all([
        repo.timeline(organizationId, id),
        deps.playbooks.list(organizationId, id, 1, 100),
        deps.ops.evidenceOf(organizationId, id),
      ]);
      return {
        ...toThreatSummary(threat),
        user: threat.user_name,
        source: threat.source,
        asset_class: threat.asset_class,
        explanation: threat.explanation,
        recommended_actions: fromJson<string[]>(threat.recommended_actions, []),
        rules: fromJson<unknown[]>(threat.rules, []),
        detections: fromJson<Detection[]>(threat.detections, []).map((d) => ({
          threat_type: d.threatType,
          severity: d.severity,
          confidence: d.confidence,
          mitre_attack: d.mitreAttack,
          rules: d.rules,
          explanation: d.explanation,
          source_ip: d.sourceIp,
          user: d.user,
          target: d.target,
          evidence: d.evidence,
        })),
        iocs: fromJson<Iocs>(threat.iocs, { ips: [], domains: [], hashes: [] }),
        raw_log: threat.raw_log,
        log_format: threat.log_format,
        log_timestamp: isoOrNull(threat.log_time),
        processing_time_ms: Number(threat.processing_time_ms),
        simulation_id: threat.simulation_id,
        timeline: timeline.map(toTimelineEntry),
        playbooks: playbooks.items.map((pb) => ({ id: pb.id, status: pb.status, approval_status: pb.approval_status })),
        evidence: evidence.map((e) => ({
          id: e.id,
          playbook_id: e.playbook_id,
          line_count: Number(e.line_count),
          sha256: e.sha256,
          criteria: fromJson<unknown>(e.criteria, {}),
          created_at: isoOrNull(e.created_at),
        })),
      };
    },

    async changeStatus(principal: Principal, id: string, input: { status: ThreatStatus; comment?: string | null }) {
      const threat = await findOwned(principal.organizationId, id);
      const now = clock.now();
      const mitigatedAt = input.status === 'mitigated' ? (threat.mitigated_at ?? now) : null;
      await repo.updateStatus(principal.organizationId, id, { status: input.status, mitigated_at: mitigatedAt, updated_at: now });
      const actor = principal.email || principal.username;
      await repo.insertTimeline([
        {
          id: newId(),
          organization_id: principal.organizationId,
          threat_id: id,
          event: 'status_changed',
          agent: null,
          actor,
          details: toJson({ from: threat.status, to: input.status, comment: input.comment ?? null }),
          at: now,
          seq: nextSeq(),
        },
      ]);
      deps.bus.publish('threat.status_changed', principal.organizationId, {
        threat_id: id,
        status: input.status,
        previous_status: threat.status,
        severity: threat.severity,
        confidence: Number(threat.confidence),
        timestamp: new Date(now).toISOString(),
        changed_by: actor,
      });
      return { ...toThreatSummary({ ...threat, status: input.status, mitigated_at: mitigatedAt, updated_at: now }), previous_status: threat.status, comment: input.comment ?? null };
    },
  };
}

export type ThreatsService = ReturnType<typeof createThreatsService>;
