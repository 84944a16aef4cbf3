import { describe, expect, it } from 'vitest';
import { diffAttributes } from './attribute-diff';

describe('diffAttributes', () => {
  it('reports nested paths for maps and single-block lists', () => {
    const expected = { tags: { Environment: 'production', Owner: 'web' }, root_block_device: [{ volume_size: 30, encrypted: true }] };
    const actual = { tags: { Environment: 'staging', Owner: 'web' }, root_block_device: [{ volume_size: 50, encrypted: true }] };
    expect(diffAttributes(expected, actual)).toEqual([
      { path: 'tags.Environment', expected: 'production', actual: 'staging' },
      { path: 'root_block_device.0.volume_size', expected: 30, actual: 50 },
    ]);
  });

  it('reports tags added and removed on the live side', () => {
    const diffs = diffAttributes({ tags: { Owner: 'a' } }, { tags: { Extra: 'x' } });
    expect(diffs).toEqual([
      { path: 'tags.Owner', expected: 'a', actual: null },
      { path: 'tags.Extra', expected: null, actual: 'x' },
    ]);
  });

  it('compares security group rules as sets: reordering is no drift, an extra rule is', () => {
    const http = { from_port: 80, to_port: 80, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] };
    const https = { from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['10.0.0.0/8', '0.0.0.0/0'] };
    const httpsReordered = { ...https, cidr_blocks: ['0.0.0.0/0', '10.0.0.0/8'] };
    expect(diffAttributes({ ingress: [http, https] }, { ingress: [httpsReordered, http] })).toEqual([]);
    const ssh = { from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] };
    const [diff] = diffAttributes({ ingress: [http, https] }, { ingress: [http, https, ssh] });
    expect(diff!.path).toBe('ingress');
    expect(diff!.details).toEqual({ added: [ssh], removed: [] });
  });

  it('compares id lists as sets', () => {
    expect(diffAttributes({ vpc_security_group_ids: ['sg-1', 'sg-2'] }, { vpc_security_group_ids: ['sg-2', 'sg-1'] })).toEqual([]);
    expect(diffAttributes({ vpc_security_group_ids: ['sg-1'] }, { vpc_security_group_ids: ['sg-1', 'sg-9'] })[0]!.details).toEqual({ added: ['sg-9'], removed: [] });
  });

  it('skips attributes the live side does not report and attributes unknown (null) in the state', () => {
    expect(diffAttributes({ instance_type: 't3.micro', user_data: null, key_name: 'k' }, { instance_type: 't3.micro', user_data: 'x' })).toEqual([]);
  });

  it('skips computed attributes unless deep', () => {
    const expected = { arn: 'arn:1', tags_all: { a: '1' } };
    const actual = { arn: 'arn:2', tags_all: { a: '2' } };
    expect(diffAttributes(expected, actual)).toEqual([]);
    expect(diffAttributes(expected, actual, { deep: true })).toEqual([{ path: 'arn', expected: 'arn:1', actual: 'arn:2' }]);
  });

  it('treats "", [], {} and null alike and numbers like their string form', () => {
    expect(diffAttributes({ kms_key_id: '', block: [{ a: '' }], size: 30 }, { kms_key_id: null, block: [{}], size: '30' })).toEqual([]);
  });

  it('compares JSON policy documents as documents, not text', () => {
    const a = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
    const b = '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow"}],\n "Version":"2012-10-17"}';
    expect(diffAttributes({ assume_role_policy: a }, { assume_role_policy: b })).toEqual([]);
    const c = b.replace('Allow', 'Deny');
    expect(diffAttributes({ assume_role_policy: a }, { assume_role_policy: c })).toHaveLength(1);
  });

  it('reports ordered scalar lists when their order changes', () => {
    expect(diffAttributes({ command: ['a', 'b'] }, { command: ['b', 'a'] })).toHaveLength(1);
  });
});
