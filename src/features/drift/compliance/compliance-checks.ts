import type { LiveResource } from '../drift.types';

export type CheckStatus = 'pass' | 'fail' | 'not_applicable';

export interface CheckResult {
  id: string;
  name: string;
  category: 'encryption' | 'backup' | 'exposure' | 'monitoring' | 'tagging' | 'iam';
  status: CheckStatus;
  severity: 'critical' | 'high' | 'medium' | 'low';
  description: string;
}

interface CheckDefinition {
  id: string;
  name: string;
  category: CheckResult['category'];
  severity: CheckResult['severity'];
  /** What the check verifies (shown in docs). */
  summary: string;
  types: string[] | '*';
  evaluate(resource: Subject, context: { requiredTags: string[] }): { pass: boolean; description: string } | null;
}

type Subject = Pick<LiveResource, 'type' | 'tags' | 'attributes'>;

const blocks = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v) => v && typeof v === 'object') : []);
const SENSITIVE_PORTS = [20, 21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 3306, 3389, 5432, 5601, 5900, 6379, 9200, 9300, 11211, 27017];
const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];

function openSensitiveRules(ingress: unknown): string[] {
  const problems: string[] = [];
  for (const rule of blocks(ingress)) {
    const cidrs = [...(Array.isArray(rule.cidr_blocks) ? rule.cidr_blocks : []), ...(Array.isArray(rule.ipv6_cidr_blocks) ? rule.ipv6_cidr_blocks : [])];
    if (!cidrs.some((cidr) => OPEN_CIDRS.includes(String(cidr)))) continue;
    const protocol = String(rule.protocol ?? '');
    const from = Number(rule.from_port ?? 0);
    const to = Number(rule.to_port ?? 0);
    if (protocol === '-1' || protocol === 'all' || (from <= 0 && to >= 65535)) problems.push('all ports');
    else for (const port of SENSITIVE_PORTS) if (port >= from && port <= to) problems.push(`${protocol}/${port}`);
  }
  return [...new Set(problems)];
}

/** The compliance catalogue. Each check applies to some resource types and reads only stored attributes. */
export const CHECKS: CheckDefinition[] = [
  {
    id: 'VGL-ENC-001', name: 'ebs_encryption_enabled', category: 'encryption', severity: 'high', types: ['aws_instance', 'aws_ebs_volume'],
    summary: 'EBS volumes (instance root and data volumes, standalone volumes) are encrypted at rest.',
    evaluate: (r) => {
      if (r.type === 'aws_ebs_volume') return r.attributes.encrypted === undefined ? null : { pass: r.attributes.encrypted === true, description: r.attributes.encrypted === true ? 'Volume is encrypted at rest' : 'Volume is not encrypted at rest' };
      const devices = [...blocks(r.attributes.root_block_device), ...blocks(r.attributes.ebs_block_device)].filter((d) => d.encrypted !== undefined);
      if (!devices.length) return null;
      const plain = devices.filter((d) => d.encrypted !== true).map((d) => String(d.device_name ?? 'volume'));
      return { pass: plain.length === 0, description: plain.length ? `Unencrypted volumes: ${plain.join(', ')}` : 'All attached volumes are encrypted at rest' };
    },
  },
  {
    id: 'VGL-ENC-002', name: 's3_default_encryption', category: 'encryption', severity: 'high', types: ['aws_s3_bucket'],
    summary: 'S3 buckets have default server-side encryption configured.',
    evaluate: (r) => {
      if (r.attributes.server_side_encryption_configuration === undefined) return null;
      const ok = blocks(r.attributes.server_side_encryption_configuration).length > 0;
      return { pass: ok, description: ok ? 'Default server-side encryption is configured' : 'No default server-side encryption' };
    },
  },
  {
    id: 'VGL-ENC-003', name: 'rds_storage_encrypted', category: 'encryption', severity: 'high', types: ['aws_db_instance'],
    summary: 'RDS instances encrypt their storage.',
    evaluate: (r) => ({ pass: r.attributes.storage_encrypted === true, description: r.attributes.storage_encrypted === true ? 'Storage is encrypted' : 'Storage is not encrypted' }),
  },
  {
    id: 'VGL-BAK-001', name: 'rds_backup_retention', category: 'backup', severity: 'medium', types: ['aws_db_instance'],
    summary: 'RDS automated backups are kept at least 7 days (backup_retention_period >= 7).',
    evaluate: (r) => {
      const days = Number(r.attributes.backup_retention_period ?? 0);
      return { pass: days >= 7, description: days >= 7 ? `Backups kept ${days} days` : days > 0 ? `Backups kept only ${days} days (at least 7 expected)` : 'Automated backups are disabled' };
    },
  },
  {
    id: 'VGL-BAK-002', name: 's3_versioning_enabled', category: 'backup', severity: 'medium', types: ['aws_s3_bucket'],
    summary: 'S3 buckets keep object versions (versioning enabled).',
    evaluate: (r) => {
      if (r.attributes.versioning === undefined) return null;
      const ok = blocks(r.attributes.versioning).some((v) => v.enabled === true);
      return { pass: ok, description: ok ? 'Versioning is enabled' : 'Versioning is disabled' };
    },
  },
  {
    id: 'VGL-NET-001', name: 'no_open_sensitive_ports', category: 'exposure', severity: 'critical', types: ['aws_security_group'],
    summary: 'No ingress from 0.0.0.0/0 or ::/0 to administrative or database ports (22, 3389, 3306, 5432, 6379, 9200, 27017...) or to all ports.',
    evaluate: (r) => {
      if (r.attributes.ingress === undefined) return null;
      const open = openSensitiveRules(r.attributes.ingress);
      return { pass: open.length === 0, description: open.length ? `Open to the internet on ${open.join(', ')}` : 'No sensitive port is open to the internet' };
    },
  },
  {
    id: 'VGL-NET-002', name: 'rds_not_public', category: 'exposure', severity: 'critical', types: ['aws_db_instance'],
    summary: 'RDS instances are not publicly accessible.',
    evaluate: (r) => ({ pass: r.attributes.publicly_accessible !== true, description: r.attributes.publicly_accessible === true ? 'Database is publicly accessible' : 'Database is not publicly accessible' }),
  },
  {
    id: 'VGL-NET-003', name: 's3_not_public', category: 'exposure', severity: 'critical', types: ['aws_s3_bucket'],
    summary: 'S3 buckets grant nothing to AllUsers/AuthenticatedUsers (no public-read, public-read-write or authenticated-read ACL).',
    evaluate: (r) => {
      const acl = r.attributes.acl;
      if (acl === undefined || acl === null) return null;
      const open = ['public-read', 'public-read-write', 'authenticated-read'].includes(String(acl));
      return { pass: !open, description: open ? `Bucket ACL is ${String(acl)}` : 'Bucket ACL grants no public access' };
    },
  },
  {
    id: 'VGL-NET-004', name: 'ec2_imdsv2_required', category: 'exposure', severity: 'high', types: ['aws_instance'],
    summary: 'EC2 instances require IMDSv2 session tokens (metadata_options.http_tokens = required).',
    evaluate: (r) => {
      const options = blocks(r.attributes.metadata_options)[0];
      if (!options) return null;
      return { pass: options.http_tokens === 'required', description: options.http_tokens === 'required' ? 'IMDSv2 is required' : 'IMDSv1 is still allowed' };
    },
  },
  {
    id: 'VGL-MON-001', name: 'ec2_detailed_monitoring', category: 'monitoring', severity: 'low', types: ['aws_instance'],
    summary: 'EC2 instances have detailed (1-minute) CloudWatch monitoring.',
    evaluate: (r) => (r.attributes.monitoring === undefined ? null : { pass: r.attributes.monitoring === true, description: r.attributes.monitoring === true ? 'Detailed monitoring is enabled' : 'Detailed monitoring is not enabled' }),
  },
  {
    id: 'VGL-MON-002', name: 'rds_monitoring_and_logs', category: 'monitoring', severity: 'low', types: ['aws_db_instance'],
    summary: 'RDS instances have enhanced monitoring (monitoring_interval > 0) or export logs to CloudWatch.',
    evaluate: (r) => {
      const interval = Number(r.attributes.monitoring_interval ?? 0);
      const exports = Array.isArray(r.attributes.enabled_cloudwatch_logs_exports) ? r.attributes.enabled_cloudwatch_logs_exports.length : 0;
      const ok = interval > 0 || exports > 0;
      return { pass: ok, description: ok ? 'Enhanced monitoring or log export is configured' : 'Neither enhanced monitoring nor log export is configured' };
    },
  },
  {
    id: 'VGL-MON-003', name: 'cloudwatch_log_retention', category: 'monitoring', severity: 'low', types: ['aws_cloudwatch_log_group'],
    summary: 'CloudWatch log groups set a retention period.',
    evaluate: (r) => {
      const days = Number(r.attributes.retention_in_days ?? 0);
      return { pass: days > 0, description: days > 0 ? `Logs kept ${days} days` : 'Logs are kept forever (no retention set)' };
    },
  },
  {
    id: 'VGL-IAM-001', name: 'iam_trust_not_wildcard', category: 'iam', severity: 'critical', types: ['aws_iam_role'],
    summary: 'IAM role trust policies do not let any principal ("*") assume the role.',
    evaluate: (r) => {
      const text = typeof r.attributes.assume_role_policy === 'string' ? r.attributes.assume_role_policy : JSON.stringify(r.attributes.assume_role_policy ?? '');
      if (!text) return null;
      const wildcard = /"Principal"\s*:\s*"\*"|"AWS"\s*:\s*"\*"|"AWS"\s*:\s*\[[^\]]*"\*"/.test(text);
      return { pass: !wildcard, description: wildcard ? 'Trust policy allows any principal' : 'Trust policy names its principals' };
    },
  },
  {
    id: 'VGL-TAG-001', name: 'required_tags', category: 'tagging', severity: 'low', types: '*',
    summary: 'Resources carry the required tags (VIGIL_DRIFT_REQUIRED_TAGS, default Environment and Owner).',
    evaluate: (r, context) => {
      if (r.type === 'aws_iam_user' && !context.requiredTags.length) return null;
      const missing = context.requiredTags.filter((tag) => !r.tags[tag] || !r.tags[tag]!.trim());
      return { pass: missing.length === 0, description: missing.length ? `Missing tags: ${missing.join(', ')}` : `Required tags present (${context.requiredTags.join(', ')})` };
    },
  },
];

export interface ComplianceReport {
  overall_status: 'compliant' | 'non_compliant';
  score: number;
  checks: CheckResult[];
  summary: { passed: number; failed: number; not_applicable: number };
}

/** Runs every check: a check that does not apply to the type, or lacks the attributes it reads, is not_applicable. */
export function evaluateCompliance(resource: Subject, requiredTags: string[]): ComplianceReport {
  const checks: CheckResult[] = CHECKS.map((check) => {
    const applies = check.types === '*' || check.types.includes(resource.type);
    const outcome = applies ? check.evaluate(resource, { requiredTags }) : null;
    return {
      id: check.id, name: check.name, category: check.category, severity: check.severity,
      status: outcome ? (outcome.pass ? 'pass' : 'fail') : 'not_applicable',
      description: outcome ? outcome.description : applies ? `Not evaluated: ${check.summary}` : `Does not apply to ${resource.type}`,
    };
  });
  const passed = checks.filter((c) => c.status === 'pass').length;
  const failed = checks.filter((c) => c.status === 'fail').length;
  const applicable = passed + failed;
  return {
    overall_status: failed === 0 ? 'compliant' : 'non_compliant',
    score: applicable === 0 ? 100 : Math.round((passed / applicable) * 100),
    checks,
    summary: { passed, failed, not_applicable: checks.length - applicable },
  };
}
