import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand, EC2Client, type Instance, type SecurityGroup, type Volume } from '@aws-sdk/client-ec2';
import {
  GetBucketAclCommand, GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketTaggingCommand, GetBucketVersioningCommand,
  ListBucketsCommand, S3Client, type Bucket,
} from '@aws-sdk/client-s3';
import { IAMClient, ListAttachedRolePoliciesCommand, ListRolesCommand, ListRoleTagsCommand, ListUsersCommand, ListUserTagsCommand, type Role, type User } from '@aws-sdk/client-iam';
import type { Config } from '../../../../lib/config';
import { AppError } from '../../../../lib/errors';
import type { Logger } from '../../../../lib/logger';
import type { CollectedResource, InventoryProvider } from '../inventory.types';
import { mapEc2Instance, mapIamRole, mapIamUser, mapS3Bucket, mapSecurityGroup } from './aws.mapping';

/** The one method of an SDK v3 client we use; tests pass recorded responses through it. */
export interface SdkClient {
  send(command: any): Promise<any>;
}

export interface AwsClients {
  ec2(region: string): SdkClient;
  s3(region: string): SdkClient;
  iam(): SdkClient;
}

type AwsSettings = Pick<Config, 'awsInventory' | 'awsRegions' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken' | 'awsEndpoint'>;

export function awsInventoryEnabled(config: AwsSettings): boolean {
  return config.awsInventory ?? Boolean(config.awsAccessKeyId && config.awsSecretAccessKey);
}

/** Real SDK clients: VIGIL_AWS_* credentials when set, otherwise the SDK's default chain (env, profile, instance role). */
export function createSdkClients(config: AwsSettings): AwsClients {
  const credentials = config.awsAccessKeyId && config.awsSecretAccessKey
    ? { accessKeyId: config.awsAccessKeyId, secretAccessKey: config.awsSecretAccessKey, sessionToken: config.awsSessionToken }
    : undefined;
  const common = { credentials, endpoint: config.awsEndpoint, maxAttempts: 3 };
  return {
    ec2: (region) => new EC2Client({ ...common, region }),
    s3: (region) => new S3Client({ ...common, region, forcePathStyle: Boolean(config.awsEndpoint) }),
    iam: () => new IAMClient({ ...common, region: 'us-east-1' }),
  };
}

const errorName = (error: unknown) => (error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : '');

/** Runs a bucket sub-request; answers `missing` when AWS says the configuration does not exist. */
async function optional<T>(work: () => Promise<T>, missingNames: string[], missing: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (missingNames.includes(errorName(error))) return missing;
    throw error;
  }
}

async function collectRegion(clients: AwsClients, region: string): Promise<CollectedResource[]> {
  const ec2 = clients.ec2(region);
  const instances: { instance: Instance; owner?: string }[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(new DescribeInstancesCommand({ NextToken: token, MaxResults: 1000 }));
    for (const reservation of page.Reservations ?? []) for (const instance of reservation.Instances ?? []) instances.push({ instance, owner: reservation.OwnerId });
    token = page.NextToken;
  } while (token);
  const volumeIds = instances.flatMap(({ instance }) => (instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId).filter((id): id is string => Boolean(id)));
  const volumes = new Map<string, Volume>();
  for (let i = 0; i < volumeIds.length; i += 200) {
    const page = await ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds.slice(i, i + 200) }));
    for (const volume of (page.Volumes ?? []) as Volume[]) if (volume.VolumeId) volumes.set(volume.VolumeId, volume);
  }
  const groups: SecurityGroup[] = [];
  token = undefined;
  do {
    const page = await ec2.send(new DescribeSecurityGroupsCommand({ NextToken: token, MaxResults: 1000 }));
    groups.push(...(page.SecurityGroups ?? []));
    token = page.NextToken;
  } while (token);
  return [
    ...instances.map(({ instance, owner }) => mapEc2Instance(instance, { region, accountId: owner, volumes })),
    ...groups.map((group) => mapSecurityGroup(group, { region })),
  ];
}

async function collectBuckets(clients: AwsClients, defaultRegion: string): Promise<CollectedResource[]> {
  const listing = await clients.s3(defaultRegion).send(new ListBucketsCommand({}));
  const out: CollectedResource[] = [];
  for (const bucket of (listing.Buckets ?? []) as Bucket[]) {
    if (!bucket.Name) continue;
    const Bucket = bucket.Name;
    const location = await clients.s3(defaultRegion).send(new GetBucketLocationCommand({ Bucket }));
    const region = location.LocationConstraint || 'us-east-1';
    const s3 = clients.s3(region);
    const [tagging, versioning, encryption, acl] = await Promise.all([
      optional(() => s3.send(new GetBucketTaggingCommand({ Bucket })), ['NoSuchTagSet', 'NoSuchTagSetError'], { TagSet: [] }),
      s3.send(new GetBucketVersioningCommand({ Bucket })),
      optional(() => s3.send(new GetBucketEncryptionCommand({ Bucket })), ['ServerSideEncryptionConfigurationNotFoundError'], null),
      optional(() => s3.send(new GetBucketAclCommand({ Bucket })), ['AccessDenied'], undefined),
    ]);
    out.push(mapS3Bucket(bucket, { region, tags: tagging.TagSet, versioning, encryption, acl }));
  }
  return out;
}

async function collectIam(clients: AwsClients): Promise<CollectedResource[]> {
  const iam = clients.iam();
  const out: CollectedResource[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    for (const role of (page.Roles ?? []) as Role[]) {
      const [tags, attached] = await Promise.all([
        iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName })),
        iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.RoleName })),
      ]);
      out.push(mapIamRole(role, { tags: tags.Tags, attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p: { PolicyArn?: string }) => p.PolicyArn ?? '') }));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  marker = undefined;
  do {
    const page = await iam.send(new ListUsersCommand({ Marker: marker }));
    for (const user of (page.Users ?? []) as User[]) {
      const tags = await iam.send(new ListUserTagsCommand({ UserName: user.UserName }));
      out.push(mapIamUser(user, { tags: tags.Tags }));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return out;
}

/**
 * The `aws` provider: EC2 instances (with their root volumes) and security groups per configured region,
 * S3 buckets (tags, versioning, encryption, ACL) and IAM roles and users. Read-only: Vigil never writes to AWS,
 * so tag changes are refused for these resources. Collected for the default organization.
 */
export function createAwsProvider(deps: { config: AwsSettings; clients?: AwsClients; defaultOrganizationId: () => Promise<string>; logger: Logger }): InventoryProvider {
  const regions = deps.config.awsRegions.split(',').map((r) => r.trim()).filter(Boolean);
  let clients = deps.clients ?? null;
  return {
    name: 'aws',
    writable: false,
    async enabledFor(organizationId) {
      return awsInventoryEnabled(deps.config) && organizationId === (await deps.defaultOrganizationId());
    },
    async collect(organizationId) {
      if (!(await this.enabledFor(organizationId))) return [];
      clients ??= createSdkClients(deps.config);
      const sources: { source: string; resources: CollectedResource[] }[] = [];
      try {
        for (const region of regions) sources.push({ source: `aws:${region}`, resources: await collectRegion(clients, region) });
        sources.push({ source: 'aws:s3', resources: await collectBuckets(clients, regions[0] ?? 'us-east-1') });
        sources.push({ source: 'aws:iam', resources: await collectIam(clients) });
      } catch (error) {
        // Nothing is stored from a partial collection: the previous inventory stays until a complete one succeeds.
        deps.logger.warn({ err: error }, 'aws inventory collection failed');
        throw new AppError({
          code: 'SERVICE_UNAVAILABLE',
          message: `AWS inventory collection failed (${errorName(error) || 'Error'}); check the credentials and permissions (ec2:Describe*, s3:List*/GetBucket*, iam:List*)`,
          details: { provider: 'aws' },
          cause: error,
        });
      }
      return sources;
    },
  };
}
