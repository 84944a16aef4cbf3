/** Tables of the threats feature (owned by src/features/threats). Times are epoch ms, JSON in text columns. */

export interface ThreatsTable {
  id: string;
  organization_id: string;
  threat_type: string;
  severity: string;
  confidence: number;
  status: string;
  impact_usd: number;
  source_ip: string | null;
  user_name: string | null;
  target: string | null;
  source: string | null;
  asset_class: string;
  mitre_attack: string;
  recommended_actions: string;
  rules: string;
  detections: string;
  iocs: string;
  explanation: string;
  raw_log: string;
  log_format: string | null;
  simulated: number;
  simulation_id: string | null;
  processing_time_ms: number;
  /** Lines that matched this threat (the first plus those merged into it while it stayed open). */
  occurrences: number;
  last_seen_at: number;
  log_time: number;
  detected_at: number;
  mitigated_at: number | null;
  updated_at: number;
  /** Suppression (or `allowlist:<id>`) that silenced it; null when it notified (migration 0009). */
  suppressed_by?: string | null;
}

/** Pipeline events and status changes of a threat (its timeline and audit trail). */
export interface ThreatTimelineTable {
  id: string;
  organization_id: string;
  threat_id: string;
  event: string;
  agent: string | null;
  actor: string | null;
  details: string;
  at: number;
  seq: number;
}

export interface PlaybooksTable {
  id: string;
  organization_id: string;
  threat_id: string;
  template: string;
  status: string;
  approval_status: string;
  approved_by: string | null;
  approved_at: number | null;
  approval_comment: string | null;
  estimated_success: number;
  success_rate: number | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
}

export interface PlaybookStepsTable {
  id: string;
  organization_id: string;
  playbook_id: string;
  step_order: number;
  action: string;
  params: string;
  status: string;
  result: string | null;
  error: string | null;
  attempts: number;
  duration_ms: number | null;
  estimated_success: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface ThreatBlocklistTable {
  organization_id: string;
  ip: string;
  reason: string;
  threat_id: string | null;
  playbook_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number | null;
}

export interface ThreatEvidenceTable {
  id: string;
  organization_id: string;
  threat_id: string;
  playbook_id: string | null;
  line_count: number;
  sha256: string;
  criteria: string;
  lines: string;
  created_at: number;
}

export interface ThreatRulesTable {
  id: string;
  organization_id: string;
  rule_id: string;
  title: string;
  level: string;
  yaml: string;
  created_by: string;
  created_at: number;
}

export interface ThreatAgentConfigsTable {
  organization_id: string;
  agent: string;
  threshold: number;
  timeout_s: number;
  retry_attempts: number;
  updated_at: number;
}

/** Measured work of each agent, aggregated per UTC day. */
export interface ThreatAgentStatsTable {
  organization_id: string;
  agent: string;
  day: number;
  processed: number;
  succeeded: number;
  total_ms: number;
}

/** Lines analyzed and threats found per UTC hour (detection rate over time). */
export interface ThreatLineCountsTable {
  organization_id: string;
  hour: number;
  simulated: number;
  lines: number;
  threats: number;
}

export interface ThreatSimulationsTable {
  id: string;
  organization_id: string;
  attack_type: string;
  target: string;
  intensity: string;
  status: string;
  source_ip: string;
  lines_generated: number;
  threats_detected: number;
  threat_ids: string;
  estimated_duration_s: number;
  created_by: string;
  created_at: number;
  completed_at: number | null;
}

/** Checkpoints of the detection pipeline's correlation state (organization_id '*': server scope). */
export interface ThreatCorrelationStateTable {
  organization_id: string;
  state: string;
  checkpoint_at: number;
}

/** Log lines the pipeline analyzed, kept (up to a retention cap) for forensic dumps. */
export interface ThreatLogLinesTable {
  id: string;
  organization_id: string;
  line: string;
  source: string | null;
  source_ip: string | null;
  user_name: string | null;
  log_time: number;
  threat_id: string | null;
  simulated: number;
  received_at: number;
}

export interface ThreatsTables {
  threats: ThreatsTable;
  threat_timeline: ThreatTimelineTable;
  playbooks: PlaybooksTable;
  playbook_steps: PlaybookStepsTable;
  threat_blocklist: ThreatBlocklistTable;
  threat_evidence: ThreatEvidenceTable;
  threat_rules: ThreatRulesTable;
  threat_agent_configs: ThreatAgentConfigsTable;
  threat_agent_stats: ThreatAgentStatsTable;
  threat_line_counts: ThreatLineCountsTable;
  threat_simulations: ThreatSimulationsTable;
  threat_correlation_state: ThreatCorrelationStateTable;
  threat_log_lines: ThreatLogLinesTable;
}
