import { describe, expect, it } from 'vitest';
import { evaluateCompliance } from './compliance-checks';

const statusOf = (report: ReturnType<typeof evaluateCompliance>, id: string) => report.checks.find((c) => c.id === id)!.status;

describe('compliance checks', () => {
  it('fails a security group open to the internet on SSH, passes one open on HTTPS only', () => {
    const rule = (port: number) => ({ from_port: port, to_port: port, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] });
    const open = evaluateCompliance({ type: 'aws_security_group', tags: { Environment: 'p', Owner: 'o' }, attributes: { ingress: [rule(443), rule(22)] } }, ['Environment', 'Owner']);
    expect(statusOf(open, 'VGL-NET-001')).toBe('fail');
    expect(open.overall_status).toBe('non_compliant');
    const closed = evaluateCompliance({ type: 'aws_security_group', tags: { Environment: 'p', Owner: 'o' }, attributes: { ingress: [rule(443)] } }, ['Environment', 'Owner']);
    expect(statusOf(closed, 'VGL-NET-001')).toBe('pass');
    expect(closed).toMatchObject({ overall_status: 'compliant', score: 100 });
  });

  it('checks RDS encryption, backups, exposure and monitoring', () => {
    const report = evaluateCompliance({ type: 'aws_db_instance', tags: {}, attributes: { storage_encrypted: false, backup_retention_period: 1, publicly_accessible: true, monitoring_interval: 0 } }, ['Environment']);
    for (const id of ['VGL-ENC-003', 'VGL-BAK-001', 'VGL-NET-002', 'VGL-MON-002', 'VGL-TAG-001']) expect(statusOf(report, id), id).toBe('fail');
    expect(statusOf(report, 'VGL-ENC-001')).toBe('not_applicable');
    expect(report.score).toBe(0);
  });

  it('checks S3 encryption, versioning and public ACLs, and scores passed / applicable', () => {
    const report = evaluateCompliance(
      { type: 'aws_s3_bucket', tags: { Environment: 'p' }, attributes: { acl: 'public-read', versioning: [{ enabled: true }], server_side_encryption_configuration: [{ rule: [] }] } },
      ['Environment', 'Owner'],
    );
    expect([statusOf(report, 'VGL-NET-003'), statusOf(report, 'VGL-BAK-002'), statusOf(report, 'VGL-ENC-002'), statusOf(report, 'VGL-TAG-001')]).toEqual(['fail', 'pass', 'pass', 'fail']);
    expect(report.score).toBe(50);
  });

  it('flags unencrypted instance volumes and IMDSv1', () => {
    const report = evaluateCompliance({ type: 'aws_instance', tags: {}, attributes: { root_block_device: [{ device_name: '/dev/xvda', encrypted: false }], metadata_options: [{ http_tokens: 'optional' }], monitoring: true } }, []);
    expect([statusOf(report, 'VGL-ENC-001'), statusOf(report, 'VGL-NET-004'), statusOf(report, 'VGL-MON-001'), statusOf(report, 'VGL-TAG-001')]).toEqual(['fail', 'fail', 'pass', 'pass']);
  });

  it('flags a wildcard IAM trust policy', () => {
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] });
    expect(statusOf(evaluateCompliance({ type: 'aws_iam_role', tags: {}, attributes: { assume_role_policy: policy } }, []), 'VGL-IAM-001')).toBe('fail');
  });
});
