import { AppError } from '../../../lib/errors';
import type { StateInstance, StateSnapshotView, StateSource } from '../drift.types';

/**
 * For tests and benchmarks only: a minimal reading of Terraform v4 state JSON into the snapshot shape the state
 * module provides, and an in-memory StateSource over such snapshots. Production uses the state module.
 */
export function snapshotFromTfState(stateId: string, text: string, path = `${stateId}.tfstate`): StateSnapshotView {
  const state = JSON.parse(text) as {
    serial: number; lineage: string; terraform_version: string; outputs?: Record<string, unknown>;
    resources: { module?: string; mode: 'managed' | 'data'; type: string; name: string; provider: string; instances: { index_key?: string | number; attributes: Record<string, unknown> }[] }[];
  };
  const resources: StateInstance[] = [];
  for (const resource of state.resources) {
    for (const instance of resource.instances) {
      const index = instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`;
      const base = `${resource.mode === 'data' ? 'data.' : ''}${resource.type}.${resource.name}${index}`;
      resources.push({
        address: resource.module ? `${resource.module}.${base}` : base,
        mode: resource.mode, type: resource.type, name: resource.name, module: resource.module ?? null, provider: resource.provider,
        indexKey: instance.index_key ?? null, attributes: instance.attributes,
      });
    }
  }
  return { stateId, backendId: 'test', path, serial: state.serial, lineage: state.lineage, terraformVersion: state.terraform_version, resources, outputs: state.outputs ?? {} };
}

export function createFakeStateSource(byOrganization: Record<string, StateSnapshotView[]>): StateSource {
  return {
    async listSnapshots(organizationId) {
      return byOrganization[organizationId] ?? [];
    },
    async getSnapshot(organizationId, stateId) {
      const found = (byOrganization[organizationId] ?? []).find((snapshot) => snapshot.stateId === stateId);
      if (!found) throw new AppError({ code: 'RESOURCE_NOT_FOUND', message: 'State not found' });
      return found;
    },
  };
}
