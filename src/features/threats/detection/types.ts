/** The detection engine's public types: the threat API codes against these (see index.ts). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface LogContext {
  organizationId: string;
  timestamp: number;
  source?: string | null;
  metadata?: Record<string, unknown> | null;
}

export type LogFormat =
  | 'syslog' | 'sshd' | 'sudo' | 'pam'
  | 'nginx_access' | 'apache_access' | 'nginx_error' | 'apache_error'
  | 'json' | 'text';

export interface ParsedLog {
  format: LogFormat;
  fields: Record<string, unknown>;
  message: string;
}

export type RuleKind = 'sigma' | 'webattack' | 'correlation';

export interface Detection {
  threatType: string;
  severity: Severity;
  confidence: number;
  mitreAttack: string[];
  rules: { id: string; title: string; kind: RuleKind }[];
  explanation: string;
  sourceIp: string | null;
  user: string | null;
  target: string | null;
  evidence: string[];
}

/** A field lookup over one event; the Sigma engine never sees raw objects. */
export interface EventView {
  /** Values of a field (a list when the event holds several, e.g. nested leaves of the same name). */
  get(field: string): unknown[];
  /** Lower-cased text searched by keyword lists. */
  keywordText(): string;
}

export interface CompiledRule {
  id: string;
  /** The Sigma `name:` field (a stable name correlation rules may reference instead of the id). */
  name?: string | null;
  title: string;
  level: string;
  tags: string[];
  logsource: Record<string, string>;
  status: string | null;
  description: string | null;
  related: { id: string; type: string }[];
  /** ATT&CK technique ids from the tags (attack.t1110.001 -> T1110.001). */
  mitreAttack: string[];
  severity: Severity;
  /** Vigil's threat class for a match (from the rule's `threat_type` field or derived from its tags). */
  threatType: string;
  /** Parser formats this rule applies to in the pipeline; empty = no parser produces its log source. */
  formats: readonly LogFormat[];
  matches(event: EventView): boolean;
  /** Lower-cased substrings of which one must occur in a raw line for the rule to match; null = always evaluate. */
  literals: readonly string[] | null;
  /** Field names the rule reads, mapped to our normalized names where a mapping exists. */
  fields: string[];
}

export interface Thresholds {
  bruteForceCount: number;
  bruteForceWindowMs: number;
  sprayUsers: number;
  scanPaths: number;
  minConfidence: number;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

/** A Sigma correlation rule (meta-rule over base rules), with its base-rule references resolved to rule ids. */
export interface CompiledCorrelation {
  id: string;
  name: string | null;
  title: string;
  level: string;
  tags: string[];
  description: string | null;
  type: CorrelationType;
  /** Ids of the referenced base rules, in the order the correlation lists them. */
  ruleIds: string[];
  /** Titles of the referenced base rules (for explanations). */
  ruleTitles: string[];
  /** Group-by fields as written, and the field names each is looked up under (normalized names first hit wins). */
  groupBy: string[];
  groupByCandidates: string[][];
  timespanMs: number;
  timespanText: string;
  /** The condition as written (e.g. `gte 5`), its test, and for value_count the counted field. */
  conditionText: string;
  condition: (n: number) => boolean;
  field: string | null;
  fieldCandidates: string[];
  /** Sigma `generate`: whether the referenced base rules still produce their own detections. */
  generate: boolean;
  mitreAttack: string[];
  severity: Severity;
  threatType: string;
}

/**
 * Extra (admin-added) rules as `analyze` takes them: a plain array of rules, optionally carrying the correlation
 * rules over them (and over shipped rules) as `correlations`. Pass the same array while it does not change: the
 * pipeline indexes it once.
 */
export type ExtraRules = CompiledRule[] & { correlations?: CompiledCorrelation[] };
