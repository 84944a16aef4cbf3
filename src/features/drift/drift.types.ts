/**
 * Shared shapes of the drift feature. The state side is described by `StateSource`, the part of the state
 * module's service the drift engine reads; the live side by `LiveResource`, what inventory providers report.
 */
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
export type DriftKind = 'changed' | 'unmanaged' | 'deleted';

import type { StateResourceInstance, StateSnapshot } from './state';
export type StateInstance = StateResourceInstance;
export type StateSnapshotView = StateSnapshot;

/** What the drift engine needs from the state module (the expected side). */
export interface StateSource {
  listSnapshots(organizationId: string): Promise<StateSnapshotView[]>;
  getSnapshot(organizationId: string, stateId: string): Promise<StateSnapshotView>;
}

/** One live resource as stored in the inventory (the actual side). */
export interface LiveResource {
  /** Vigil's id of the inventory row. */
  id: string;
  provider: string;
  type: string;
  /** The provider's id (i-0abc..., bucket name). */
  resourceId: string;
  name: string;
  region: string;
  status: string;
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
  usage: Record<string, number>;
}

export interface DetectOptions {
  /** Also compare computed attributes (arn, ids, addresses, dates) that a normal scan skips. */
  deep_scan: boolean;
  /** Report resources in the state that no longer exist. */
  include_deleted: boolean;
  /** Report live resources no state manages. */
  include_unmanaged: boolean;
}

export type DetectScope = { kind: 'all' } | { kind: 'state'; stateId: string } | { kind: 'resource'; resourceId: string };

export interface DriftFinding {
  kind: DriftKind;
  /** Attribute path (`tags.Environment`, `root_block_device.0.volume_size`); null for unmanaged/deleted. */
  field: string | null;
  expected: unknown;
  actual: unknown;
  severity: Severity;
  /** Terraform address of the state instance (null for unmanaged). */
  resource_address: string | null;
  /** Vigil id of the live resource (null for deleted). */
  resource_id: string | null;
  resource_type: string;
  /** The provider's id of the resource when known. */
  provider_id: string | null;
  state_id: string | null;
  /** For list attributes compared as sets: what the live side adds and lacks. */
  details?: { added: unknown[]; removed: unknown[] };
}

export interface RemediationStep {
  resource_id: string | null;
  resource_address: string | null;
  action: 'restore_tags' | 'terraform_apply' | 'terraform_import' | 'terraform_state_rm';
  description: string;
  command: string | null;
  /** For restore_tags: the request that puts the expected tags back. */
  request?: { method: 'PUT'; path: string; body: { tags: Record<string, string> } };
  fields: string[];
}
