import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../lib/logger';
import { diffAttributes } from '../../diff/attribute-diff';
import { normalizeInventoryItem } from '../inventory-item';
import { cannedAcl, mapEc2Instance, mapRules } from './aws.mapping';
import { createAwsProvider, type AwsClients, type SdkClient } from './aws.provider';

/**
 * Recorded responses: written by hand in the exact shapes the AWS SDK v3 returns (field names and nesting of
 * DescribeInstances, DescribeVolumes, DescribeSecurityGroups, ListBuckets, GetBucket*, ListRoles...). They were
 * not captured from a live account (no AWS access here); they pin the mapping to Terraform-shaped attributes.
 */
const RECORDED: Record<string, (input: any) => unknown> = {
  DescribeInstancesCommand: () => ({
    Reservations: [{
      OwnerId: '123456789012',
      Instances: [{
        InstanceId: 'i-0a1b2c3d4e5f60001', ImageId: 'ami-0c7217cdde317cfec', InstanceType: 't3.large', KeyName: undefined,
        Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' }, SubnetId: 'subnet-0b1c2d3e4f5a60011', VpcId: 'vpc-0a12b34c56d78e901',
        PrivateIpAddress: '10.20.1.15', PublicIpAddress: '54.210.33.17', State: { Code: 16, Name: 'running' }, Monitoring: { State: 'enabled' },
        EbsOptimized: true, IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/prod-app-profile', Id: 'AIPAEXAMPLE' },
        SecurityGroups: [{ GroupId: 'sg-0c1d2e3f4a5b60021', GroupName: 'prod-web-sg' }], RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0f1e2d3c4b5a60001', DeleteOnTermination: true, Status: 'attached' } }],
        MetadataOptions: { State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled', InstanceMetadataTags: 'disabled' },
        Tags: [{ Key: 'Name', Value: 'prod-web-1' }, { Key: 'Environment', Value: 'staging' }],
      }],
    }],
  }),
  DescribeVolumesCommand: () => ({
    Volumes: [{ VolumeId: 'vol-0f1e2d3c4b5a60001', Size: 30, VolumeType: 'gp3', Encrypted: true, Iops: 3000, Throughput: 125, KmsKeyId: undefined }],
  }),
  DescribeSecurityGroupsCommand: () => ({
    SecurityGroups: [{
      GroupId: 'sg-0c1d2e3f4a5b60021', GroupName: 'prod-web-sg', Description: 'Web tier', VpcId: 'vpc-0a12b34c56d78e901', OwnerId: '123456789012',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary ssh' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: 'sg-0c1d2e3f4a5b60021', UserId: '123456789012' }] },
      ],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'All outbound' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      Tags: [{ Key: 'Name', Value: 'prod-web-sg' }],
    }],
  }),
  ListBucketsCommand: () => ({ Buckets: [{ Name: 'vigil-example-prod-assets', CreationDate: new Date('2025-01-01T00:00:00Z') }], Owner: { ID: 'abc' } }),
  GetBucketLocationCommand: () => ({ LocationConstraint: undefined }),
  GetBucketTaggingCommand: () => {
    throw Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' });
  },
  GetBucketVersioningCommand: () => ({ Status: 'Enabled' }),
  GetBucketEncryptionCommand: () => ({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] } }),
  GetBucketAclCommand: () => ({ Owner: { ID: 'abc' }, Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] }),
  ListRolesCommand: () => ({
    IsTruncated: false,
    Roles: [{ RoleName: 'prod-app-role', RoleId: 'AROAEXAMPLEPRODAPP01', Arn: 'arn:aws:iam::123456789012:role/prod-app-role', Path: '/', CreateDate: new Date('2025-03-02T10:11:12Z'), MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}') }],
  }),
  ListRoleTagsCommand: () => ({ Tags: [{ Key: 'Environment', Value: 'production' }], IsTruncated: false }),
  ListAttachedRolePoliciesCommand: () => ({ AttachedPolicies: [{ PolicyName: 'AmazonSSMManagedInstanceCore', PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' }], IsTruncated: false }),
  ListUsersCommand: () => ({ IsTruncated: false, Users: [{ UserName: 'ci-deployer', UserId: 'AIDAEXAMPLECI', Arn: 'arn:aws:iam::123456789012:user/ci-deployer', Path: '/', CreateDate: new Date('2025-01-01T00:00:00Z') }] }),
  ListUserTagsCommand: () => ({ Tags: [], IsTruncated: false }),
};

function recordedClients(calls: string[]): AwsClients {
  const client: SdkClient = {
    async send(command) {
      const name = command.constructor.name as string;
      calls.push(name);
      const answer = RECORDED[name];
      if (!answer) throw new Error(`no recorded response for ${name}`);
      return answer(command.input);
    },
  };
  return { ec2: () => client, s3: () => client, iam: () => client };
}

const config = { awsInventory: true, awsRegions: 'us-east-1', awsAccessKeyId: undefined, awsSecretAccessKey: undefined, awsSessionToken: undefined, awsEndpoint: undefined };

describe('aws provider on recorded SDK responses', () => {
  it('collects EC2, security groups, S3 and IAM as Terraform-shaped resources', async () => {
    const calls: string[] = [];
    const provider = createAwsProvider({ config, clients: recordedClients(calls), defaultOrganizationId: async () => 'org', logger: createLogger('silent') });
    expect(provider.writable).toBe(false);
    expect(await provider.collect('other-org')).toEqual([]);
    const sources = await provider.collect('org');
    const all = sources.flatMap((s) => s.resources);
    expect(sources.map((s) => s.source)).toEqual(['aws:us-east-1', 'aws:s3', 'aws:iam']);
    expect(all.map((r) => `${r.type}:${r.resourceId}`)).toEqual([
      'aws_instance:i-0a1b2c3d4e5f60001', 'aws_security_group:sg-0c1d2e3f4a5b60021', 'aws_s3_bucket:vigil-example-prod-assets', 'aws_iam_role:prod-app-role', 'aws_iam_user:ci-deployer',
    ]);
    const instance = all[0]!;
    expect(instance).toMatchObject({ name: 'prod-web-1', region: 'us-east-1', accountId: '123456789012', status: 'running', tags: { Environment: 'staging', Name: 'prod-web-1' } });
    expect(instance.attributes).toMatchObject({
      instance_type: 't3.large', ami: 'ami-0c7217cdde317cfec', vpc_security_group_ids: ['sg-0c1d2e3f4a5b60021'], iam_instance_profile: 'prod-app-profile', monitoring: true,
      associate_public_ip_address: true, arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60001',
      root_block_device: [{ device_name: '/dev/xvda', volume_id: 'vol-0f1e2d3c4b5a60001', volume_size: 30, volume_type: 'gp3', encrypted: true, iops: 3000, throughput: 125, delete_on_termination: true, kms_key_id: '' }],
      metadata_options: [{ http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' }],
    });
    const bucket = all[2]!;
    expect(bucket.attributes).toMatchObject({ acl: 'public-read', versioning: [{ enabled: true, mfa_delete: false }], region: 'us-east-1' });
    expect(bucket.tags).toEqual({});
    const role = all[3]!;
    expect(JSON.parse(role.attributes.assume_role_policy as string).Statement[0].Principal.Service).toBe('ec2.amazonaws.com');
    expect(role.attributes.managed_policy_arns).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    expect(role.attributes.create_date).toBe('2025-03-02T10:11:12Z');
    expect(calls.filter((c) => c === 'DescribeVolumesCommand')).toHaveLength(1);
  });

  it('maps security group permissions to Terraform rule blocks, grouped by description, self detected', () => {
    const groups = RECORDED.DescribeSecurityGroupsCommand!({}) as any;
    const rules = mapRules(groups.SecurityGroups[0].IpPermissions, 'sg-0c1d2e3f4a5b60021');
    expect(rules).toEqual([
      { cidr_blocks: ['0.0.0.0/0'], description: 'HTTPS', from_port: 443, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: 'tcp', security_groups: [], self: false, to_port: 443 },
      { cidr_blocks: ['0.0.0.0/0'], description: 'temporary ssh', from_port: 22, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: 'tcp', security_groups: [], self: false, to_port: 22 },
      { cidr_blocks: [], description: '', from_port: 22, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: 'tcp', security_groups: [], self: true, to_port: 22 },
    ]);
    expect(mapRules(groups.SecurityGroups[0].IpPermissionsEgress, 'x')[0]).toMatchObject({ protocol: '-1', from_port: 0, to_port: 0 });
  });

  it('mapped live attributes diff cleanly against the state shape (only the real change shows)', () => {
    const reservation = (RECORDED.DescribeInstancesCommand!({}) as any).Reservations[0];
    const live = mapEc2Instance(reservation.Instances[0], { region: 'us-east-1', accountId: '123456789012', volumes: new Map([['vol-0f1e2d3c4b5a60001', (RECORDED.DescribeVolumesCommand!({}) as any).Volumes[0]]]) });
    const state = { ...live.attributes, instance_type: 't3.medium', tags: { Environment: 'staging', Name: 'prod-web-1' } };
    expect(diffAttributes(state, { ...live.attributes, tags: live.tags }).map((d) => d.path)).toEqual(['instance_type']);
  });

  it('turns SDK failures into 503 SERVICE_UNAVAILABLE and stores nothing partial', async () => {
    const failing: SdkClient = {
      async send() {
        throw Object.assign(new Error('The security token included in the request is invalid.'), { name: 'UnrecognizedClientException' });
      },
    };
    const provider = createAwsProvider({ config, clients: { ec2: () => failing, s3: () => failing, iam: () => failing }, defaultOrganizationId: async () => 'org', logger: createLogger('silent') });
    await expect(provider.collect('org')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, message: expect.stringContaining('UnrecognizedClientException') });
  });

  it('derives canned ACLs from grants', () => {
    expect(cannedAcl({ Grants: [] })).toBe('private');
    expect(cannedAcl({ Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'WRITE' }] })).toBe('public-read-write');
  });
});

describe('snapshot provider items (AWS-Config-like JSON)', () => {
  it('maps AWS Config types and camelCase configuration through the same mappers', () => {
    const resource = normalizeInventoryItem({
      resourceType: 'AWS::EC2::Instance', resourceId: 'i-1', awsRegion: 'eu-west-1', tags: [{ key: 'Name', value: 'box' }],
      configuration: { instanceId: 'i-1', instanceType: 'c5.xlarge', securityGroups: [{ groupId: 'sg-1' }], monitoring: { state: 'disabled' }, state: { name: 'running' } },
    });
    expect(resource).toMatchObject({ type: 'aws_instance', name: 'box', region: 'eu-west-1', tags: { Name: 'box' } });
    expect(resource.attributes).toMatchObject({ instance_type: 'c5.xlarge', vpc_security_group_ids: ['sg-1'], monitoring: false });
  });

  it('keeps Terraform-shaped attributes, splits tags out, snake_cases unknown configurations', () => {
    const tf = normalizeInventoryItem({ type: 'aws_s3_bucket', resourceId: 'b', attributes: { bucket: 'b', tags: { Owner: 'x' }, tags_all: { Owner: 'x' } } });
    expect(tf).toMatchObject({ type: 'aws_s3_bucket', name: 'b', region: 'global', tags: { Owner: 'x' }, attributes: { bucket: 'b', id: 'b' } });
    expect(tf.attributes).not.toHaveProperty('tags_all');
    const lambda = normalizeInventoryItem({ resourceType: 'AWS::Lambda::Function', resourceId: 'fn', configuration: { memorySize: 128, tracingConfig: { mode: 'PassThrough' } } });
    expect(lambda.type).toBe('aws_lambda_function');
    expect(lambda.attributes).toMatchObject({ memory_size: 128, tracing_config: { mode: 'PassThrough' } });
  });
});
