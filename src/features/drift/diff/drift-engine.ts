import type { DetectOptions, DetectScope, DriftFinding, LiveResource, StateSnapshotView } from '../drift.types';
import { diffAttributes } from './attribute-diff';
import { isIgnored, type IgnoreRule } from './ignore-rules';
import { pairResources, type ManagedInstance } from './pairing';
import { deletedSeverity, fieldSeverity, unmanagedSeverity } from './severity';

export interface DriftComputation {
  findings: DriftFinding[];
  /** State instances and live resources looked at in the scope. */
  resourcesChecked: number;
  /** Findings dropped by ignore rules. */
  ignored: number;
}

export interface DriftInput {
  snapshots: StateSnapshotView[];
  live: LiveResource[];
  scope: DetectScope;
  options: DetectOptions;
  ignoreRules: IgnoreRule[];
}

/**
 * The drift computation, pure: pairs every managed instance of every state with the live inventory (so a
 * resource managed by another state is never "unmanaged"), then reports, for the scope, field-level changes
 * of paired resources, deleted instances and unmanaged live resources, minus what the ignore rules drop.
 */
export function computeDrift(input: DriftInput): DriftComputation {
  const instances: ManagedInstance[] = [];
  for (const snapshot of input.snapshots) {
    for (const resource of snapshot.resources) {
      if (resource.mode === 'managed') instances.push({ ...resource, stateId: snapshot.stateId });
    }
  }
  const pairing = pairResources(instances, input.live);
  const { scope, options } = input;
  const inScope = (instance: ManagedInstance) => scope.kind !== 'state' || instance.stateId === scope.stateId;
  const findings: DriftFinding[] = [];
  let checked = 0;

  for (const { instance, live } of pairing.pairs) {
    if (!inScope(instance) || (scope.kind === 'resource' && live.id !== scope.resourceId)) continue;
    checked++;
    for (const diff of diffAttributes(instance.attributes, live.attributes, { deep: options.deep_scan, tags: live.tags })) {
      findings.push({
        kind: 'changed',
        field: diff.path,
        expected: diff.expected,
        actual: diff.actual,
        severity: fieldSeverity(diff.path),
        resource_address: instance.address,
        resource_id: live.id,
        resource_type: instance.type,
        provider_id: live.resourceId,
        state_id: instance.stateId,
        ...(diff.details ? { details: diff.details } : {}),
      });
    }
  }
  if (scope.kind !== 'resource' && options.include_deleted) {
    for (const instance of pairing.deleted) {
      if (!inScope(instance)) continue;
      checked++;
      const id = typeof instance.attributes.id === 'string' ? instance.attributes.id : null;
      findings.push({
        kind: 'deleted', field: null, expected: 'present', actual: 'absent', severity: deletedSeverity(instance.type),
        resource_address: instance.address, resource_id: null, resource_type: instance.type, provider_id: id, state_id: instance.stateId,
      });
    }
  }
  const reportUnmanaged = scope.kind === 'resource' || options.include_unmanaged;
  if (reportUnmanaged) {
    for (const live of pairing.unmanaged) {
      if (scope.kind === 'resource' && live.id !== scope.resourceId) continue;
      checked++;
      findings.push({
        kind: 'unmanaged', field: null, expected: 'absent', actual: 'present', severity: unmanagedSeverity(live.type),
        resource_address: null, resource_id: live.id, resource_type: live.type, provider_id: live.resourceId, state_id: null,
      });
    }
  }
  if (input.ignoreRules.length === 0) return { findings, resourcesChecked: checked, ignored: 0 };
  const liveById = new Map(input.live.map((resource) => [resource.id, resource]));
  const instanceByAddress = new Map(instances.map((instance) => [`${instance.stateId}\u0000${instance.address}`, instance]));
  const kept = findings.filter((finding) => {
    const names = new Set<string>();
    const instance = finding.resource_address ? instanceByAddress.get(`${finding.state_id}\u0000${finding.resource_address}`) : undefined;
    if (instance) {
      names.add(instance.name);
      if (instance.indexKey !== null) names.add(`${instance.name}[${JSON.stringify(instance.indexKey)}]`);
    }
    const live = finding.resource_id ? liveById.get(finding.resource_id) : undefined;
    if (live) {
      names.add(live.name);
      names.add(live.resourceId);
    }
    if (finding.provider_id) names.add(finding.provider_id);
    return !isIgnored(input.ignoreRules, { type: finding.resource_type, names: [...names], field: finding.field ?? undefined });
  });
  return { findings: kept, resourcesChecked: checked, ignored: findings.length - kept.length };
}
