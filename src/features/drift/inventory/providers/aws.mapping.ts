import type { Bucket, GetBucketAclOutput, GetBucketEncryptionOutput, GetBucketVersioningOutput, Tag as S3Tag } from '@aws-sdk/client-s3';
import type { Instance, IpPermission, SecurityGroup, Tag as Ec2Tag, Volume } from '@aws-sdk/client-ec2';
import type { Role, Tag as IamTag, User } from '@aws-sdk/client-iam';
import type { CollectedResource } from '../inventory.types';

/**
 * Maps AWS API (SDK v3) shapes to Vigil inventory resources with Terraform-shaped attributes, so that the drift
 * engine compares like with like. The same functions map AWS Config `configuration` documents (camelCase keys,
 * converted with `pascalKeys`).
 */
export function tagsToRecord(tags: (Ec2Tag | S3Tag | IamTag)[] | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key) out[tag.Key] = tag.Value ?? '';
  return out;
}

const profileName = (arn: string | undefined) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '');

export function mapEc2Instance(instance: Instance, context: { region: string; accountId?: string; volumes?: Map<string, Volume> }): CollectedResource {
  const id = instance.InstanceId ?? '';
  const tags = tagsToRecord(instance.Tags);
  const rootName = instance.RootDeviceName;
  const rootDevices = (instance.BlockDeviceMappings ?? [])
    .filter((mapping) => mapping.DeviceName === rootName)
    .map((mapping) => {
      const volume = mapping.Ebs?.VolumeId ? context.volumes?.get(mapping.Ebs.VolumeId) : undefined;
      return {
        delete_on_termination: mapping.Ebs?.DeleteOnTermination ?? true,
        device_name: mapping.DeviceName ?? '',
        volume_id: mapping.Ebs?.VolumeId ?? '',
        ...(volume
          ? { encrypted: volume.Encrypted ?? false, iops: volume.Iops ?? 0, kms_key_id: volume.KmsKeyId ?? '', throughput: volume.Throughput ?? 0, volume_size: volume.Size ?? 0, volume_type: volume.VolumeType ?? '' }
          : {}),
      };
    });
  const metadata = instance.MetadataOptions;
  const attributes: Record<string, unknown> = {
    id,
    ami: instance.ImageId ?? '',
    instance_type: instance.InstanceType ?? '',
    availability_zone: instance.Placement?.AvailabilityZone ?? '',
    tenancy: instance.Placement?.Tenancy ?? 'default',
    subnet_id: instance.SubnetId ?? '',
    vpc_security_group_ids: (instance.SecurityGroups ?? []).map((group) => group.GroupId ?? ''),
    private_ip: instance.PrivateIpAddress ?? '',
    public_ip: instance.PublicIpAddress ?? '',
    associate_public_ip_address: Boolean(instance.PublicIpAddress),
    monitoring: instance.Monitoring?.State === 'enabled' || instance.Monitoring?.State === 'pending',
    ebs_optimized: instance.EbsOptimized ?? false,
    iam_instance_profile: profileName(instance.IamInstanceProfile?.Arn),
    key_name: instance.KeyName ?? '',
    instance_state: instance.State?.Name ?? '',
    root_block_device: rootDevices,
    ...(metadata
      ? {
          metadata_options: [
            {
              http_endpoint: metadata.HttpEndpoint ?? 'enabled',
              http_put_response_hop_limit: metadata.HttpPutResponseHopLimit ?? 1,
              http_tokens: metadata.HttpTokens ?? 'optional',
              instance_metadata_tags: metadata.InstanceMetadataTags ?? 'disabled',
            },
          ],
        }
      : {}),
    ...(context.accountId ? { arn: `arn:aws:ec2:${context.region}:${context.accountId}:instance/${id}` } : {}),
  };
  return {
    type: 'aws_instance', resourceId: id, name: tags.Name ?? id, region: context.region, accountId: context.accountId ?? null,
    status: instance.State?.Name ?? 'unknown', tags, attributes, usage: {},
  };
}

/** Terraform's security group rule blocks: one per (protocol, ports, description), sources grouped by kind. */
export function mapRules(permissions: IpPermission[] | undefined, ownGroupId: string): Record<string, unknown>[] {
  const rules = new Map<string, Record<string, unknown> & { cidr_blocks: string[]; ipv6_cidr_blocks: string[]; prefix_list_ids: string[]; security_groups: string[] }>();
  for (const permission of permissions ?? []) {
    const protocol = permission.IpProtocol ?? '-1';
    const allPorts = protocol === '-1';
    const from = allPorts ? 0 : (permission.FromPort ?? 0);
    const to = allPorts ? 0 : (permission.ToPort ?? 0);
    const rule = (description: string | undefined) => {
      const key = JSON.stringify([protocol, from, to, description ?? ''] );
      let found = rules.get(key);
      if (!found) {
        found = { cidr_blocks: [], description: description ?? '', from_port: from, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol, security_groups: [], self: false, to_port: to };
        rules.set(key, found);
      }
      return found;
    };
    const ipv4 = (permission as IpPermission & { Ipv4Ranges?: { CidrIp?: string; Description?: string }[] }).Ipv4Ranges ?? permission.IpRanges ?? [];
    for (const range of ipv4) if (range.CidrIp) rule(range.Description).cidr_blocks.push(range.CidrIp);
    for (const range of permission.Ipv6Ranges ?? []) if (range.CidrIpv6) rule(range.Description).ipv6_cidr_blocks.push(range.CidrIpv6);
    for (const list of permission.PrefixListIds ?? []) if (list.PrefixListId) rule(list.Description).prefix_list_ids.push(list.PrefixListId);
    for (const pair of permission.UserIdGroupPairs ?? []) {
      if (!pair.GroupId) continue;
      const target = rule(pair.Description);
      if (pair.GroupId === ownGroupId) target.self = true;
      else target.security_groups.push(pair.GroupId);
    }
  }
  return [...rules.values()];
}

export function mapSecurityGroup(group: SecurityGroup, context: { region: string }): CollectedResource {
  const id = group.GroupId ?? '';
  const tags = tagsToRecord(group.Tags);
  return {
    type: 'aws_security_group', resourceId: id, name: group.GroupName ?? id, region: context.region, accountId: group.OwnerId ?? null,
    status: 'available', tags, usage: {},
    attributes: {
      id, name: group.GroupName ?? '', description: group.Description ?? '', vpc_id: group.VpcId ?? '', owner_id: group.OwnerId ?? '',
      arn: `arn:aws:ec2:${context.region}:${group.OwnerId ?? ''}:security-group/${id}`,
      ingress: mapRules(group.IpPermissions, id), egress: mapRules(group.IpPermissionsEgress, id),
    },
  };
}

const PUBLIC_GROUPS = ['http://acs.amazonaws.com/groups/global/AllUsers', 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'];

/** The canned ACL Terraform would show for a bucket ACL: public-read(-write) or authenticated-read when it grants the world. */
export function cannedAcl(acl: GetBucketAclOutput | null | undefined): string | null {
  if (!acl) return null;
  const grants = acl.Grants ?? [];
  const to = (uri: string) => grants.filter((g) => g.Grantee?.URI === uri).map((g) => g.Permission);
  const all = to(PUBLIC_GROUPS[0]!);
  if (all.includes('WRITE') || all.includes('FULL_CONTROL')) return 'public-read-write';
  if (all.includes('READ')) return 'public-read';
  if (to(PUBLIC_GROUPS[1]!).length) return 'authenticated-read';
  return 'private';
}

export function mapS3Bucket(
  bucket: Bucket,
  details: { region: string; tags?: S3Tag[]; versioning?: GetBucketVersioningOutput | null; encryption?: GetBucketEncryptionOutput | null; acl?: GetBucketAclOutput | null },
): CollectedResource {
  const name = bucket.Name ?? '';
  const tags = tagsToRecord(details.tags);
  const rules = details.encryption?.ServerSideEncryptionConfiguration?.Rules ?? [];
  return {
    type: 'aws_s3_bucket', resourceId: name, name, region: details.region, accountId: null, status: 'available', tags, usage: {},
    attributes: {
      id: name, bucket: name, arn: `arn:aws:s3:::${name}`, region: details.region,
      ...(details.versioning !== undefined
        ? { versioning: [{ enabled: details.versioning?.Status === 'Enabled', mfa_delete: details.versioning?.MFADelete === 'Enabled' }] }
        : {}),
      ...(details.encryption !== undefined
        ? {
            server_side_encryption_configuration: rules.length
              ? [{ rule: rules.map((rule) => ({
                  apply_server_side_encryption_by_default: [{ kms_master_key_id: rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ?? '', sse_algorithm: rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? '' }],
                  bucket_key_enabled: rule.BucketKeyEnabled ?? false,
                })) }]
              : [],
          }
        : {}),
      ...(details.acl !== undefined ? { acl: cannedAcl(details.acl) } : {}),
    },
  };
}

function decodePolicy(document: string | undefined): string {
  if (!document) return '';
  try {
    return decodeURIComponent(document);
  } catch {
    return document;
  }
}

export function mapIamRole(role: Role, details: { tags?: IamTag[]; attachedPolicyArns?: string[] } = {}): CollectedResource {
  const name = role.RoleName ?? '';
  const tags = tagsToRecord(details.tags ?? role.Tags);
  return {
    type: 'aws_iam_role', resourceId: name, name, region: 'global', accountId: role.Arn?.split(':')[4] ?? null, status: 'available', tags, usage: {},
    attributes: {
      id: name, name, arn: role.Arn ?? '', path: role.Path ?? '/', description: role.Description ?? '', unique_id: role.RoleId ?? '',
      max_session_duration: role.MaxSessionDuration ?? 3600, assume_role_policy: decodePolicy(role.AssumeRolePolicyDocument),
      create_date: role.CreateDate ? new Date(role.CreateDate).toISOString().replace('.000Z', 'Z') : '',
      ...(details.attachedPolicyArns ? { managed_policy_arns: details.attachedPolicyArns } : {}),
    },
  };
}

export function mapIamUser(user: User, details: { tags?: IamTag[] } = {}): CollectedResource {
  const name = user.UserName ?? '';
  const tags = tagsToRecord(details.tags ?? user.Tags);
  return {
    type: 'aws_iam_user', resourceId: name, name, region: 'global', accountId: user.Arn?.split(':')[4] ?? null, status: 'available', tags, usage: {},
    attributes: {
      id: name, name, arn: user.Arn ?? '', path: user.Path ?? '/', unique_id: user.UserId ?? '',
      permissions_boundary: user.PermissionsBoundary?.PermissionsBoundaryArn ?? '',
    },
  };
}

/** AWS Config documents use camelCase keys where the SDK uses PascalCase: `instanceType` -> `InstanceType`. */
export function pascalKeys(value: unknown): any {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.charAt(0).toUpperCase() + key.slice(1), pascalKeys(inner)]));
  }
  return value;
}
