import { describe, expect, it } from 'vitest';
import { isIgnored, parseIgnoreRules, validateIgnorePattern } from './ignore-rules';

describe('driftignore rules', () => {
  const rules = parseIgnoreRules(`
# comment
aws_s3_bucket.my\\.bucket
aws_iam_user.*
aws_instance.*.tags.LastDeployedAt
aws_instance.web.root_block_device
!aws_iam_user.admin
`);

  it('ignores whole resources by type.name, with escaped dots', () => {
    expect(isIgnored(rules, { type: 'aws_s3_bucket', names: ['my.bucket'] })).toBe(true);
    expect(isIgnored(rules, { type: 'aws_s3_bucket', names: ['myxbucket'] })).toBe(false);
  });

  it('ignores every resource of a type with type.*, and ! re-includes', () => {
    expect(isIgnored(rules, { type: 'aws_iam_user', names: ['ci'] })).toBe(true);
    expect(isIgnored(rules, { type: 'aws_iam_user', names: ['admin'] })).toBe(false);
  });

  it('ignores one field and everything below it, never the whole resource', () => {
    expect(isIgnored(rules, { type: 'aws_instance', names: ['worker'], field: 'tags.LastDeployedAt' })).toBe(true);
    expect(isIgnored(rules, { type: 'aws_instance', names: ['worker'], field: 'tags.Owner' })).toBe(false);
    expect(isIgnored(rules, { type: 'aws_instance', names: ['web'], field: 'root_block_device.0.volume_size' })).toBe(true);
    expect(isIgnored(rules, { type: 'aws_instance', names: ['web'] })).toBe(false);
  });

  it('a lone * ignores everything', () => {
    expect(isIgnored(parseIgnoreRules('*'), { type: 'aws_vpc', names: ['x'], field: 'cidr_block' })).toBe(true);
  });

  it('validates patterns', () => {
    expect(validateIgnorePattern('aws_instance..x')).toMatch(/empty segment/);
    expect(validateIgnorePattern('aws instance')).toMatch(/spaces/);
    expect(validateIgnorePattern('aws_instance.web')).toBeNull();
  });
});
