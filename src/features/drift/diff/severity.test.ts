import { describe, expect, it } from 'vitest';
import { fieldSeverity, unmanagedSeverity } from './severity';

describe('severity by field class', () => {
  it.each([
    ['ingress', 'critical'],
    ['root_block_device.0.encrypted', 'critical'],
    ['assume_role_policy', 'critical'],
    ['vpc_security_group_ids', 'high'],
    ['metadata_options.0.http_tokens', 'high'],
    ['tags.Environment', 'high'],
    ['tags.Owner', 'medium'],
    ['tags.CostCenter', 'medium'],
    ['tags.LastDeployedAt', 'low'],
    ['instance_type', 'medium'],
    ['root_block_device.0.volume_size', 'medium'],
    ['description', 'low'],
    ['disable_api_termination', 'medium'],
  ])('%s is %s', (path, severity) => {
    expect(fieldSeverity(path)).toBe(severity);
  });

  it('unmanaged security groups and IAM are high, other unmanaged resources medium', () => {
    expect(unmanagedSeverity('aws_security_group')).toBe('high');
    expect(unmanagedSeverity('aws_iam_role')).toBe('high');
    expect(unmanagedSeverity('aws_instance')).toBe('medium');
  });
});
