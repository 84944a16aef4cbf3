/**
 * Which drift is an attack-surface change: pure rules from one drift finding to a threat (type, severity, MITRE
 * ATT&CK techniques, explanation), or null when the change is not security-sensitive.
 */
export interface DriftChange {
  kind: 'changed' | 'unmanaged' | 'deleted';
  field: string | null;
  expected: unknown;
  actual: unknown;
  severity: string;
  resource_type: string;
  resource_address: string | null;
  resource_id: string | null;
  provider_id: string | null;
  details?: { added: unknown[]; removed: unknown[] };
}

export interface DriftThreatSpec {
  threatType: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  mitre: string[];
  explanation: string;
}

const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];
const FIREWALL_TYPES = /^(aws_security_group(_rule)?|aws_vpc_security_group_ingress_rule|aws_network_acl(_rule)?|google_compute_firewall|azurerm_network_security_(group|rule))$/;
const IAM_TYPES = /^aws_iam_(policy|role|role_policy|user_policy|group_policy|policy_attachment|role_policy_attachment|user_policy_attachment|user|group)$/;
const BUCKET_TYPES = /^(aws_s3_bucket(_acl|_policy|_public_access_block)?|google_storage_bucket(_iam_member|_iam_binding)?|azurerm_storage_(account|container))$/;

const text = (value: unknown) => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
const truthy = (value: unknown) => value === true || value === 'true' || (typeof value === 'string' && value !== '' && value !== 'false' && value !== 'Disabled') || (Array.isArray(value) && value.length > 0) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0);
const where = (c: DriftChange) => `${c.resource_address ?? c.resource_type}${c.provider_id ? ` (${c.provider_id})` : ''}`;

function openRules(c: DriftChange): string[] {
  const added = c.details?.added ?? (text(c.expected).includes('0.0.0.0/0') || text(c.expected).includes('::/0') ? [] : [c.actual]);
  return added.filter((rule) => OPEN_CIDRS.some((cidr) => text(rule).includes(`"${cidr}"`) || text(rule) === cidr)).map(describeRule);
}

function describeRule(rule: unknown): string {
  if (rule && typeof rule === 'object') {
    const r = rule as Record<string, unknown>;
    const from = r.from_port ?? r.port;
    const to = r.to_port ?? from;
    const protocol = r.protocol === '-1' ? 'all protocols' : String(r.protocol ?? 'tcp');
    const ports = from === undefined ? 'all ports' : from === to ? `${from}/${protocol}` : `${from}-${to}/${protocol}`;
    const cidrs = [...(Array.isArray(r.cidr_blocks) ? r.cidr_blocks : []), ...(Array.isArray(r.ipv6_cidr_blocks) ? r.ipv6_cidr_blocks : [])].filter((c) => OPEN_CIDRS.includes(String(c)));
    return `${ports} from ${cidrs.join(', ') || OPEN_CIDRS[0]}`;
  }
  return text(rule);
}

const WIDE_IAM = /"(Action|Resource|NotAction)"\s*:\s*(\[\s*)?"\*"|"Principal"\s*:\s*"\*"|AdministratorAccess|"Principal"\s*:\s*\{\s*"AWS"\s*:\s*"\*"/;
const PUBLIC_ACL = /^(public-read|public-read-write|authenticated-read)$/;

/** The threat one drift finding raises, or null. */
export function classifyDrift(c: DriftChange): DriftThreatSpec | null {
  const field = (c.field ?? '').toLowerCase();
  if (c.kind === 'changed' && FIREWALL_TYPES.test(c.resource_type) && /^(ingress|cidr_blocks|ipv6_cidr_blocks|source_ranges|security_rule|cidr_ipv4|cidr_ipv6)/.test(field)) {
    const opened = openRules(c);
    if (opened.length > 0) {
      return {
        threatType: 'security_group_exposure',
        severity: 'critical',
        mitre: ['T1562.007', 'T1190'],
        explanation: `${where(c)} now allows ${opened.join('; ')} (open to the whole internet), which Terraform does not declare`,
      };
    }
  }
  if (c.kind === 'changed' && IAM_TYPES.test(c.resource_type) && /(policy|assume_role|managed_policy_arns|policy_arn)/.test(field)) {
    if (WIDE_IAM.test(text(c.actual)) && !WIDE_IAM.test(text(c.expected))) {
      return { threatType: 'iam_privilege_widened', severity: 'critical', mitre: ['T1098', 'T1078.004'], explanation: `${where(c)}: ${c.field} was widened outside Terraform (wildcard action, resource or principal, or administrator access)` };
    }
  }
  if (BUCKET_TYPES.test(c.resource_type)) {
    const madePublic =
      (c.kind === 'changed' && /(^|\.)acl$/.test(field) && PUBLIC_ACL.test(text(c.actual)) && !PUBLIC_ACL.test(text(c.expected))) ||
      (c.kind === 'changed' && /block_public_(acls|policy)|ignore_public_acls|restrict_public_buckets/.test(field) && c.expected === true && c.actual !== true) ||
      (c.kind === 'changed' && /policy$/.test(field) && /"Principal"\s*:\s*("\*"|\{\s*"AWS"\s*:\s*"\*")/.test(text(c.actual)) && !/"Principal"\s*:\s*"\*"/.test(text(c.expected)));
    if (madePublic) return { threatType: 'public_bucket_exposure', severity: 'critical', mitre: ['T1530'], explanation: `${where(c)} was made public outside Terraform (${c.field}: ${text(c.expected)} -> ${text(c.actual)})` };
  }
  if (c.kind === 'changed' && /(encrypt|kms_key|server_side_encryption)/.test(field) && truthy(c.expected) && !truthy(c.actual)) {
    return { threatType: 'encryption_disabled', severity: 'high', mitre: ['T1562'], explanation: `${where(c)}: encryption turned off outside Terraform (${c.field}: ${text(c.expected)} -> ${text(c.actual) || 'unset'})` };
  }
  if (c.kind === 'changed' && /(logging|enable_log|is_logging|access_logs|flow_log|audit)/.test(field) && truthy(c.expected) && !truthy(c.actual)) {
    return { threatType: 'logging_disabled', severity: 'high', mitre: ['T1562.008'], explanation: `${where(c)}: logging turned off outside Terraform (${c.field}: ${text(c.expected)} -> ${text(c.actual) || 'unset'})` };
  }
  if (c.kind === 'changed' && /(deletion_protection|disable_api_termination|prevent_destroy|termination_protection)/.test(field) && truthy(c.expected) && !truthy(c.actual)) {
    return { threatType: 'deletion_protection_removed', severity: 'high', mitre: ['T1485', 'T1562'], explanation: `${where(c)}: deletion protection removed outside Terraform (${c.field}: ${text(c.expected)} -> ${text(c.actual)})` };
  }
  return null;
}
