import type { DriftFinding, LiveResource, RemediationStep } from '../drift.types';

/** A Terraform-safe resource name from a live name: `debug-box` -> `debug_box`. */
export function suggestedName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[^a-z_]+/, '');
  return cleaned || 'imported';
}

/**
 * What would reconcile each drifted resource: its tag drifts become one tag patch (the expected tags, through
 * PUT /api/v1/resources/{id}/tags when the provider accepts writes), other changed fields `terraform apply`
 * on the address (the state is the truth), unmanaged resources `terraform import`, deleted ones `terraform state rm`
 * (or apply, to recreate them).
 */
export function planRemediation(findings: DriftFinding[], live: Map<string, LiveResource>, writableProviders: Set<string>): RemediationStep[] {
  const steps: RemediationStep[] = [];
  const changedByResource = new Map<string, DriftFinding[]>();
  for (const finding of findings) {
    if (finding.kind === 'changed') {
      const group = `${finding.resource_id}\u0000${finding.resource_address}`;
      changedByResource.set(group, [...(changedByResource.get(group) ?? []), finding]);
    } else if (finding.kind === 'unmanaged') {
      const resource = finding.resource_id ? live.get(finding.resource_id) : undefined;
      const address = `${finding.resource_type}.${suggestedName(resource?.name ?? finding.provider_id ?? 'imported')}`;
      steps.push({
        resource_id: finding.resource_id, resource_address: address, action: 'terraform_import', fields: [],
        description: `Bring ${finding.resource_type} ${finding.provider_id} under Terraform: add a resource block "${address}" and import it (or delete it if nobody needs it).`,
        command: `terraform import ${address} ${finding.provider_id}`,
      });
    } else {
      steps.push({
        resource_id: null, resource_address: finding.resource_address, action: 'terraform_state_rm', fields: [],
        description: `${finding.resource_address} no longer exists. Forget it with state rm, or run terraform apply -target=${finding.resource_address} to recreate it.`,
        command: `terraform state rm ${finding.resource_address}`,
      });
    }
  }
  for (const group of changedByResource.values()) {
    const first = group[0]!;
    const tagDrifts = group.filter((f) => f.field?.startsWith('tags.'));
    const otherDrifts = group.filter((f) => !f.field?.startsWith('tags.'));
    const resource = first.resource_id ? live.get(first.resource_id) : undefined;
    if (tagDrifts.length && resource) {
      const tags = { ...resource.tags };
      for (const drift of tagDrifts) {
        const tagKey = drift.field!.slice('tags.'.length);
        if (drift.expected === null || drift.expected === undefined) delete tags[tagKey];
        else tags[tagKey] = String(drift.expected);
      }
      const writable = writableProviders.has(resource.provider);
      steps.push({
        resource_id: resource.id, resource_address: first.resource_address, action: 'restore_tags', fields: tagDrifts.map((f) => f.field!),
        description: writable
          ? `Put the tags back as the state declares them (${tagDrifts.map((f) => f.field).join(', ')}).`
          : `Put the tags back with terraform apply -target=${first.resource_address} (provider ${resource.provider} is read-only in Vigil).`,
        command: writable ? null : `terraform apply -target=${first.resource_address}`,
        ...(writable ? { request: { method: 'PUT' as const, path: `/api/v1/resources/${resource.id}/tags`, body: { tags } } } : {}),
      });
    }
    if (otherDrifts.length) {
      steps.push({
        resource_id: first.resource_id, resource_address: first.resource_address, action: 'terraform_apply', fields: otherDrifts.map((f) => f.field!),
        description: `Apply to restore ${otherDrifts.map((f) => f.field).join(', ')} to the values in the state; if the live values are wanted, change the configuration and run terraform apply -refresh-only instead.`,
        command: `terraform apply -target=${first.resource_address}`,
      });
    }
  }
  return steps;
}
