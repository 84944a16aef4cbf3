import { describe, expect, it } from 'vitest';
import { classifyDrift, type DriftChange } from './drift-threat-policy';

const base: DriftChange = { kind: 'changed', field: null, expected: null, actual: null, severity: 'high', resource_type: 'aws_instance', resource_address: 'aws_instance.web', resource_id: 'r1', provider_id: 'i-1' };
const sshRule = { from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [] };

describe('drift that raises threats', () => {
  it('a security group opened to 0.0.0.0/0 or ::/0 is a security_group_exposure with the firewall technique', () => {
    const spec = classifyDrift({ ...base, resource_type: 'aws_security_group', resource_address: 'aws_security_group.web', field: 'ingress', details: { added: [sshRule], removed: [] } });
    expect(spec).toMatchObject({ threatType: 'security_group_exposure', severity: 'critical', mitre: expect.arrayContaining(['T1562.007']) });
    expect(spec!.explanation).toContain('22/tcp from 0.0.0.0/0');
    const v6 = classifyDrift({ ...base, resource_type: 'aws_security_group', field: 'ingress', details: { added: [{ ...sshRule, cidr_blocks: [], ipv6_cidr_blocks: ['::/0'] }], removed: [] } });
    expect(v6?.threatType).toBe('security_group_exposure');
  });

  it('a rule added for a private range, or one removed, is no threat', () => {
    expect(classifyDrift({ ...base, resource_type: 'aws_security_group', field: 'ingress', details: { added: [{ ...sshRule, cidr_blocks: ['10.0.0.0/8'] }], removed: [] } })).toBeNull();
    expect(classifyDrift({ ...base, resource_type: 'aws_security_group', field: 'ingress', details: { added: [], removed: [sshRule] } })).toBeNull();
  });

  it('IAM widening, public buckets, encryption, logging and deletion protection', () => {
    expect(classifyDrift({ ...base, resource_type: 'aws_iam_role_policy', field: 'policy', expected: '{"Action":"s3:GetObject"}', actual: '{"Action":"*","Resource":"*"}' })?.mitre).toContain('T1098');
    expect(classifyDrift({ ...base, resource_type: 'aws_s3_bucket', field: 'acl', expected: 'private', actual: 'public-read' })?.threatType).toBe('public_bucket_exposure');
    expect(classifyDrift({ ...base, resource_type: 'aws_db_instance', field: 'storage_encrypted', expected: true, actual: false })?.threatType).toBe('encryption_disabled');
    expect(classifyDrift({ ...base, resource_type: 'aws_cloudtrail', field: 'enable_logging', expected: true, actual: false })?.mitre).toEqual(['T1562.008']);
    expect(classifyDrift({ ...base, resource_type: 'aws_db_instance', field: 'deletion_protection', expected: true, actual: false })?.threatType).toBe('deletion_protection_removed');
  });

  it('ordinary drift (instance size, tags) raises nothing', () => {
    expect(classifyDrift({ ...base, field: 'instance_type', expected: 't3.medium', actual: 't3.large' })).toBeNull();
    expect(classifyDrift({ ...base, field: 'tags.Environment', expected: 'production', actual: 'prod' })).toBeNull();
    expect(classifyDrift({ ...base, resource_type: 'aws_db_instance', field: 'storage_encrypted', expected: false, actual: true })).toBeNull();
  });
});
