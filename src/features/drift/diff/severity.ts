import type { Severity } from '../drift.types';

/**
 * Severity of a changed field, by the class of the attributes on its path (the most severe wins):
 * network exposure, IAM and encryption are critical; network placement and data protection high; size and
 * capacity medium; cosmetic text low. Tags depend on the key: Environment is high (it routes policies, backups
 * and alerts), ownership and billing keys are medium, other tags low. Anything unclassified is medium.
 */
export const FIELD_CLASSES: Record<Severity, string[]> = {
  critical: [
    'ingress', 'egress', 'policy', 'assume_role_policy', 'inline_policy', 'managed_policy_arns', 'publicly_accessible',
    'acl', 'grant', 'block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets',
    'storage_encrypted', 'encrypted', 'kms_key_id', 'kms_master_key_id', 'sse_algorithm',
    'server_side_encryption_configuration', 'associate_public_ip_address', 'map_public_ip_on_launch', 'cidr_blocks',
    'ipv6_cidr_blocks', 'permissions_boundary',
  ],
  high: [
    'vpc_security_group_ids', 'security_groups', 'security_group_ids', 'subnet_id', 'subnets', 'subnet_ids', 'vpc_id',
    'cidr_block', 'iam_instance_profile', 'role', 'http_tokens', 'deletion_protection', 'versioning', 'mfa_delete',
    'backup_retention_period', 'port', 'route', 'internal', 'skip_final_snapshot', 'object_lock_enabled', 'force_destroy',
  ],
  medium: [
    'instance_type', 'instance_class', 'allocated_storage', 'max_allocated_storage', 'size', 'volume_size', 'volume_type',
    'iops', 'throughput', 'ami', 'engine_version', 'storage_type', 'monitoring', 'monitoring_interval', 'multi_az',
    'ebs_optimized', 'retention_in_days', 'max_session_duration', 'logging', 'backup_window', 'load_balancer_type',
  ],
  low: ['description', 'name_prefix', 'comment', 'display_name', 'path'],
};

export const TAG_SEVERITY: { high: string[]; medium: string[] } = {
  high: ['environment', 'env'],
  medium: ['owner', 'costcenter', 'cost_center', 'cost-center', 'team', 'project', 'application', 'dataclassification', 'data_classification', 'compliance'],
};

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };
const CLASS_OF = new Map<string, Severity>();
for (const severity of ['low', 'medium', 'high', 'critical'] as Severity[]) for (const name of FIELD_CLASSES[severity]) CLASS_OF.set(name, severity);

export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

export function fieldSeverity(path: string): Severity {
  const segments = path.split('.');
  if (segments[0] === 'tags' && segments.length > 1) return tagSeverity(segments.slice(1).join('.'));
  if (segments[0] === 'tags') return 'low';
  let found: Severity | null = null;
  for (const segment of segments) {
    const severity = CLASS_OF.get(segment);
    if (severity) found = found ? maxSeverity(found, severity) : severity;
  }
  return found ?? 'medium';
}

export function tagSeverity(key: string): Severity {
  const lower = key.toLowerCase();
  if (TAG_SEVERITY.high.includes(lower)) return 'high';
  if (TAG_SEVERITY.medium.includes(lower)) return 'medium';
  return 'low';
}

const SENSITIVE_TYPES = [/^aws_security_group/, /^aws_iam_/, /_policy$/, /^aws_network_acl/, /^aws_kms_/];

/** A live resource no state manages: high when it can open access (security groups, IAM, policies), else medium. */
export function unmanagedSeverity(type: string): Severity {
  return SENSITIVE_TYPES.some((pattern) => pattern.test(type)) ? 'high' : 'medium';
}

/** A resource in the state that no longer exists: Terraform would recreate it on the next apply. */
export function deletedSeverity(_type: string): Severity {
  return 'high';
}
