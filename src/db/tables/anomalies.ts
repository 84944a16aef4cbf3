/** Tables of the anomalies feature (owned by src/features/anomalies). */

/** Ingested metric, log and trace events (also /v1 data points: one row per value). */
export interface AnomalyEventsTable {
  id: string;
  organization_id: string;
  type: 'metric' | 'log' | 'trace';
  source: string;
  /** Metric name, or span name for traces. */
  name: string | null;
  value: number | null;
  level: string | null;
  message: string | null;
  trace_id: string | null;
  span_id: string | null;
  duration_ms: number | null;
  metadata: string | null;
  /** The /v1 data point this value belongs to. */
  point_id: string | null;
  timestamp: number;
  received_at: number;
}

export interface AnomaliesTable {
  id: string;
  organization_id: string;
  series_key: string;
  kind: 'metric' | 'log_error_rate' | 'log_template' | 'trace_latency';
  source: string;
  metric: string;
  value: number | null;
  expected: number | null;
  score: number;
  severity: 'low' | 'medium' | 'high' | 'critical';
  detector: string;
  explanation: string;
  status: 'open' | 'acknowledged' | 'resolved';
  event_id: string | null;
  point_id: string | null;
  notes: string | null;
  is_false_positive: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  detected_at: number;
  created_at: number;
  /** Suppression (or `allowlist:<id>`) that silenced it; null when it notified (migration 0009). */
  suppressed_by?: string | null;
  /** How it was resolved (e.g. automatically after N normal points) (migration 0009). */
  resolution?: string | null;
  /** Normal points of the series since the last anomalous one, while unresolved (migration 0009). */
  normal_streak?: number;
}

/** Checkpointed detector state, one row per series (metric, log source or span name). */
export interface AnomalySeriesTable {
  organization_id: string;
  series_key: string;
  state: string;
  updated_at: number;
}

export interface AlertRulesTable {
  id: string;
  organization_id: string;
  name: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  conditions: string;
  channels: string;
  escalation: string | null;
  enabled: number;
  created_by: string;
  created_at: number;
}

/** One rule firing for one anomaly; escalation scans the unacknowledged ones. */
export interface AlertFiringsTable {
  id: string;
  organization_id: string;
  rule_id: string;
  anomaly_id: string;
  fired_at: number;
  escalate_at: number | null;
  escalated_at: number | null;
  deliveries: string;
}

export interface AnomalyModelsTable {
  id: string;
  organization_id: string;
  job_id: string;
  algorithm: string;
  version: string;
  status: 'queued' | 'training' | 'ready' | 'failed';
  hyperparameters: string;
  data_range: string | null;
  metrics: string | null;
  model: string | null;
  error: string | null;
  active: number;
  training_points: number;
  created_at: number;
  trained_at: number | null;
}

export interface AnomaliesTables {
  anomaly_events: AnomalyEventsTable;
  anomalies: AnomaliesTable;
  anomaly_series: AnomalySeriesTable;
  alert_rules: AlertRulesTable;
  alert_firings: AlertFiringsTable;
  anomaly_models: AnomalyModelsTable;
}
