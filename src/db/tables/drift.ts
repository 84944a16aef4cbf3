/** Tables of the drift feature (owned by src/features/drift): live inventory, drift jobs and results, cost history. */

/** One live resource as a provider reported it (the "actual" side of a drift comparison). */
export interface DriftResourcesTable {
  id: string;
  organization_id: string;
  /** Inventory provider: 'snapshot' (pushed or workspace files) or 'aws' (SDK collection). */
  provider: string;
  /** Where it came from: 'push', 'workspace:<file>', 'aws:<region>'. */
  source: string;
  /** Terraform resource type (aws_instance) or the raw provider type when unmapped. */
  type: string;
  /** The provider's own id (i-0abc..., bucket name, role name). */
  resource_id: string;
  name: string;
  region: string;
  account_id: string | null;
  status: string;
  /** JSON object of tag key -> value. */
  tags: string;
  /** JSON object of Terraform-shaped attributes. */
  attributes: string;
  /** JSON object of usage figures for the cost model (storage_gb, data_transfer_gb, hours_per_month). */
  usage: string;
  created_at: number;
  updated_at: number;
}

/** The persisted queue of drift detection jobs. */
export interface DriftJobsTable {
  id: string;
  organization_id: string;
  result_id: string;
  /** 'all' | 'state' | 'resource' */
  scope: string;
  state_id: string | null;
  resource_id: string | null;
  /** JSON DetectOptions. */
  options: string;
  /** 'api' | 'schedule' */
  trigger: string;
  /** 'pending' | 'running' | 'completed' | 'failed' */
  status: string;
  error: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
}

/** What one job found. */
export interface DriftResultsTable {
  id: string;
  organization_id: string;
  job_id: string;
  scope: string;
  resource_id: string | null;
  state_id: string | null;
  status: string;
  drift_detected: number;
  drift_count: number;
  resources_checked: number;
  critical_count: number;
  high_count: number;
  medium_count: number;
  low_count: number;
  /** JSON DriftFinding[]. */
  drifts: string;
  /** JSON RemediationStep[]. */
  remediation: string;
  error: string | null;
  created_at: number;
  completed_at: number | null;
  /** Set when every finding of the result was suppressed (migration 0009). */
  suppressed_by?: string | null;
}

/** One estimated monthly cost per resource and day (cents), the history behind cost trends. */
export interface DriftCostSnapshotsTable {
  organization_id: string;
  resource_id: string;
  day: string;
  monthly_cents: number;
  compute_cents: number;
  storage_cents: number;
  network_cents: number;
  recorded_at: number;
}

export interface DriftTables {
  drift_resources: DriftResourcesTable;
  drift_jobs: DriftJobsTable;
  drift_results: DriftResultsTable;
  drift_cost_snapshots: DriftCostSnapshotsTable;
}
