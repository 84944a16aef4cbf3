import type { Finding, SuppressionsApi } from '../suppressions/suppressions.api';
import type { DriftThreatsApi } from '../threats/drift-threats.service';
import type { DriftFinding, LiveResource, RemediationStep } from './drift.types';

export type DriftFindingWithSuppression = DriftFinding & { suppressed_by?: string | null };

/** What a suppression can match on one drift finding: the resource by every name it goes by, its tags, the field. */
export function driftFinding(finding: DriftFinding, live: LiveResource | undefined): Finding {
  const addressName = finding.resource_address?.split('.').slice(-1)[0] ?? null;
  const names = [addressName, live?.name ?? null, live?.resourceId ?? finding.provider_id].filter((v): v is string => Boolean(v));
  return {
    engine: 'drift',
    severity: finding.severity,
    kind: finding.kind,
    resource_id: [finding.resource_id, finding.provider_id].filter((v): v is string => Boolean(v)),
    resource_type: finding.resource_type,
    resource_name: names,
    resource_address: finding.resource_address,
    drift_field: finding.field,
    tags: live?.tags ?? null,
  };
}

/**
 * Annotates each finding with the suppression that silences it (one lookup for the scan) and answers what the
 * result as a whole is: suppressed when every finding is.
 */
export async function applyDriftSuppressions(
  suppressions: Pick<SuppressionsApi, 'matchMany'> | undefined,
  organizationId: string,
  findings: DriftFinding[],
  liveById: Map<string, LiveResource>,
): Promise<{ findings: DriftFindingWithSuppression[]; notifying: number; suppressedBy: string | null }> {
  if (!suppressions || findings.length === 0) return { findings, notifying: findings.length, suppressedBy: null };
  const verdicts = await suppressions.matchMany(organizationId, findings.map((f) => driftFinding(f, f.resource_id ? liveById.get(f.resource_id) : undefined)));
  const annotated = findings.map((f, i) => (verdicts[i] ? { ...f, suppressed_by: verdicts[i] } : f));
  const notifying = verdicts.filter((v) => !v).length;
  return { findings: annotated, notifying, suppressedBy: notifying === 0 ? (verdicts[0] ?? null) : null };
}

/** Hands the scan's findings, with their remediation steps, to the threat engine's drift policy. */
export async function raiseDriftThreats(
  threats: DriftThreatsApi | undefined,
  organizationId: string,
  resultId: string,
  detectedAt: number,
  findings: DriftFindingWithSuppression[],
  remediation: RemediationStep[],
  liveById: Map<string, LiveResource>,
) {
  if (!threats || findings.length === 0) return;
  await threats.raiseFromDrift(organizationId, {
    resultId,
    detectedAt,
    findings: findings.map((f) => {
      const live = f.resource_id ? liveById.get(f.resource_id) : undefined;
      return {
        ...f,
        resource_name: live?.name ?? null,
        tags: live?.tags ?? null,
        remediation: remediation.filter((step) => (f.resource_address && step.resource_address === f.resource_address) || (f.resource_id && step.resource_id === f.resource_id)),
      };
    }),
  });
}

const RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** What alert rules read from `drift.detected`: the highest severity, resource types and tags of the notifying findings. */
export function notifyingSummary(findings: DriftFindingWithSuppression[], liveById: Map<string, LiveResource>) {
  const loud = findings.filter((f) => !f.suppressed_by);
  const max = loud.reduce<string | null>((best, f) => (best === null || (RANK[f.severity] ?? 0) > (RANK[best] ?? 0) ? f.severity : best), null);
  const tags = [...new Set(loud.map((f) => f.resource_id).filter((id): id is string => Boolean(id)))].map((id) => liveById.get(id)?.tags).filter((t): t is Record<string, string> => Boolean(t));
  return { max_severity: max, resource_types: [...new Set(loud.map((f) => f.resource_type))], resource_tags: tags.slice(0, 100) };
}
