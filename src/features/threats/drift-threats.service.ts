import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { toJson } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { SuppressionsApi } from '../suppressions/suppressions.api';
import { estimateImpact } from './cost-model';
import { classifyDrift, type DriftChange } from './drift-threat-policy';
import { recommendedActions, templateFor, type PlaybookTemplate } from './playbook-templates';
import type { ThreatSettingsService } from './threat-settings.service';
import type { ThreatsDriftRepository } from './threats-drift.repository';
import { nextSeq, type ThreatRow, type ThreatsRepository } from './threats.repository';

/** One drift finding as the drift engine hands it over, with its remediation steps and suppression verdict. */
export interface DriftFindingInput extends DriftChange {
  suppressed_by?: string | null;
  remediation?: unknown[];
  resource_name?: string | null;
  tags?: Record<string, string> | null;
}

/** What the drift engine calls after a scan is stored. */
export interface DriftThreatsApi {
  raiseFromDrift(organizationId: string, input: { resultId: string; detectedAt: number; findings: DriftFindingInput[] }): Promise<{ raised: string[]; merged: string[] }>;
}

/**
 * The drift -> threat policy's effect: a security-sensitive drift finding becomes a threat through the normal
 * threat pipeline (stored with its timeline, `threat.detected`, a playbook waiting for approval), unless a
 * suppression silences it. The same open exposure found again by a later scan joins its threat.
 */
export function createDriftThreatsService(deps: {
  db: Kysely<Database>;
  repo: ThreatsRepository;
  driftRepo: ThreatsDriftRepository;
  settings: ThreatSettingsService;
  templates: Map<string, PlaybookTemplate>;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  suppressions?: Pick<SuppressionsApi, 'match'>;
  onThreatStored: (threat: ThreatRow) => void;
}): DriftThreatsApi {
  const { clock, bus } = deps;

  async function raiseOne(organizationId: string, resultId: string, detectedAt: number, finding: DriftFindingInput) {
    const spec = classifyDrift(finding);
    if (!spec) return null;
    const target = finding.resource_address ?? finding.provider_id ?? finding.resource_type;
    const open = await deps.driftRepo.findOpen(organizationId, spec.threatType, target);
    if (open) {
      await deps.repo.addOccurrence(organizationId, open.id, clock.now());
      return { id: open.id, merged: true };
    }
    const suppressedBy =
      finding.suppressed_by ??
      (await deps.suppressions?.match(organizationId, {
        engine: 'threat', severity: spec.severity, threat_type: spec.threatType, source: `drift:${resultId}`, rule_ids: [`drift-policy:${spec.threatType}`],
        resource_id: [finding.resource_id, finding.provider_id].filter((v): v is string => Boolean(v)), resource_type: finding.resource_type,
        resource_address: finding.resource_address, resource_name: finding.resource_name ?? null, drift_field: finding.field, tags: finding.tags ?? null,
      })) ??
      null;
    const threatId = newId();
    const source = `drift:${resultId}`;
    const template = templateFor(deps.templates, spec.threatType);
    const impact = estimateImpact(await deps.settings.costModel(organizationId), { threatType: spec.threatType, severity: spec.severity, source, target, format: 'drift' });
    const now = clock.now();
    const detection = { kind: 'drift', result_id: resultId, finding: { ...finding, remediation: undefined, suppressed_by: undefined }, remediation: finding.remediation ?? [] };
    const threat: ThreatRow = {
      id: threatId, organization_id: organizationId, threat_type: spec.threatType, severity: spec.severity, confidence: 0.99, status: 'detected',
      impact_usd: impact.impact_usd, source_ip: null, user_name: null, target, source, asset_class: impact.asset_class, mitre_attack: toJson(spec.mitre),
      recommended_actions: toJson(recommendedActions(template, { threat_id: threatId, threat_type: spec.threatType, severity: spec.severity, source_ip: null, user: null, target, source })),
      rules: toJson([{ id: `drift-policy:${spec.threatType}`, title: spec.explanation.slice(0, 200), kind: 'drift' }]), detections: toJson([detection]),
      iocs: toJson({ ips: [], domains: [], hashes: [] }), explanation: spec.explanation, raw_log: toJson(detection.finding), log_format: 'drift',
      simulated: 0, simulation_id: null, processing_time_ms: 0, occurrences: 1, last_seen_at: detectedAt, log_time: detectedAt, detected_at: detectedAt,
      mitigated_at: null, updated_at: now, suppressed_by: suppressedBy,
    };
    const entries = [
      { event: 'threat_detected', agent: 'detector', details: { drift_result_id: resultId, resource: target, field: finding.field, policy: spec.threatType } },
      ...(suppressedBy ? [{ event: 'threat_suppressed', agent: 'analyzer', details: { suppressed_by: suppressedBy } }] : []),
    ];
    await deps.db.transaction().execute(async (trx) => {
      await deps.repo.insertThreat(threat, trx);
      await deps.repo.insertTimeline(entries.map((e) => ({ id: newId(), organization_id: organizationId, threat_id: threatId, event: e.event, agent: e.agent, actor: null, details: toJson(e.details), at: now, seq: nextSeq() })), trx);
    });
    if (!suppressedBy) {
      const base = { threat_id: threatId, severity: spec.severity, confidence: threat.confidence, threat_type: spec.threatType, simulated: false };
      bus.publish('threat.detected', organizationId, { ...base, timestamp: new Date(detectedAt).toISOString(), source_ip: null, impact_usd: threat.impact_usd, drift_result_id: resultId, resource: target });
      deps.onThreatStored(threat);
    }
    return { id: threatId, merged: false };
  }

  return {
    async raiseFromDrift(organizationId, input) {
      const raised: string[] = [];
      const merged: string[] = [];
      for (const finding of input.findings) {
        try {
          const outcome = await raiseOne(organizationId, input.resultId, input.detectedAt, finding);
          if (outcome) (outcome.merged ? merged : raised).push(outcome.id);
        } catch (error) {
          deps.logger.error({ err: error, result: input.resultId }, 'threats: a drift finding could not be raised as a threat');
        }
      }
      return { raised, merged };
    },
  };
}
