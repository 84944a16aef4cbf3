import { z } from 'zod';
import type { CollectedResource } from './inventory.types';
import { mapEc2Instance, mapIamRole, mapIamUser, mapS3Bucket, mapSecurityGroup, pascalKeys } from './providers/aws.mapping';

/** AWS Config resource types and the Terraform types they are stored as (so they pair with state resources). */
export const AWS_CONFIG_TYPES: Record<string, string> = {
  'AWS::EC2::Instance': 'aws_instance',
  'AWS::EC2::SecurityGroup': 'aws_security_group',
  'AWS::EC2::Volume': 'aws_ebs_volume',
  'AWS::EC2::VPC': 'aws_vpc',
  'AWS::EC2::Subnet': 'aws_subnet',
  'AWS::EC2::NatGateway': 'aws_nat_gateway',
  'AWS::EC2::EIP': 'aws_eip',
  'AWS::S3::Bucket': 'aws_s3_bucket',
  'AWS::IAM::Role': 'aws_iam_role',
  'AWS::IAM::User': 'aws_iam_user',
  'AWS::IAM::Policy': 'aws_iam_policy',
  'AWS::RDS::DBInstance': 'aws_db_instance',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'aws_lb',
  'AWS::Logs::LogGroup': 'aws_cloudwatch_log_group',
  'AWS::Lambda::Function': 'aws_lambda_function',
};

const text = (max: number) => z.string().trim().min(1).max(max);
const tagKey = z.string().trim().min(1).max(128);
const tagValue = z.string().max(256);
const tagList = z.array(
  z.union([z.object({ key: tagKey, value: tagValue }), z.object({ Key: tagKey, Value: tagValue })]),
).max(50);
const objectValue = z.record(z.string(), z.unknown());

/** One inventory item, AWS-Config-like: resourceType/type, resourceId, resourceName/name, region, tags, configuration/attributes. */
export const inventoryItemSchema = z
  .object({
    resourceType: text(256).optional(),
    type: text(256).optional(),
    resourceId: text(1024),
    resourceName: z.string().trim().max(512).optional(),
    name: z.string().trim().max(512).optional(),
    region: z.string().trim().max(64).optional(),
    awsRegion: z.string().trim().max(64).optional(),
    accountId: z.string().trim().max(64).optional(),
    awsAccountId: z.string().trim().max(64).optional(),
    status: z.string().trim().max(64).optional(),
    configurationItemStatus: z.string().trim().max(64).optional(),
    tags: z.union([z.record(tagKey, tagValue), tagList]).optional(),
    configuration: objectValue.optional(),
    attributes: objectValue.optional(),
    usage: z.record(z.string().max(64), z.number().min(0).max(1e12)).optional(),
    resourceCreationTime: z.string().max(64).optional(),
  })
  .refine((item) => item.type || item.resourceType, { message: 'type or resourceType is required', path: ['type'] })
  .refine((item) => !(item.tags && !Array.isArray(item.tags) && Object.keys(item.tags).length > 50), { message: 'at most 50 tags', path: ['tags'] });

export type InventoryItem = z.infer<typeof inventoryItemSchema>;

/** Inventory documents (pushed or workspace files): `items` or AWS Config's `configurationItems`. */
export const inventoryDocumentSchema = z
  .object({
    provider: z.literal('snapshot').optional(),
    accountId: z.string().trim().max(64).optional(),
    source: z.string().trim().min(1).max(200).optional(),
    replace: z.boolean().optional(),
    items: z.array(inventoryItemSchema).max(10_000).optional(),
    configurationItems: z.array(inventoryItemSchema).max(10_000).optional(),
  })
  .refine((doc) => (doc.items?.length ?? 0) + (doc.configurationItems?.length ?? 0) > 0, { message: 'items (or configurationItems) must hold at least one item', path: ['items'] });

export type InventoryDocument = z.infer<typeof inventoryDocumentSchema>;

function normalizeTags(tags: InventoryItem['tags']): Record<string, string> | null {
  if (!tags) return null;
  if (!Array.isArray(tags)) return { ...tags };
  const out: Record<string, string> = {};
  for (const tag of tags) {
    if ('key' in tag) out[tag.key] = tag.value;
    else out[tag.Key] = tag.Value;
  }
  return out;
}

const snakeCase = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeCase(k), snakeKeys(v)]));
  return value;
}

/** Maps an AWS Config `configuration` (API shape) to Terraform-shaped attributes with the SDK mappers when we know the type. */
function attributesFromConfiguration(type: string, configuration: Record<string, unknown>, region: string): Record<string, unknown> {
  const api = pascalKeys(configuration);
  switch (type) {
    case 'aws_instance':
      return mapEc2Instance(api, { region }).attributes;
    case 'aws_security_group':
      return mapSecurityGroup(api, { region }).attributes;
    case 'aws_s3_bucket':
      return mapS3Bucket({ Name: api.Name ?? api.BucketName }, { region }).attributes;
    case 'aws_iam_role':
      return mapIamRole(api).attributes;
    case 'aws_iam_user':
      return mapIamUser(api).attributes;
    default:
      return snakeKeys(configuration) as Record<string, unknown>;
  }
}

/** One validated item -> a collected resource (Terraform type, tags split from attributes). */
export function normalizeInventoryItem(item: InventoryItem, defaults: { accountId?: string } = {}): CollectedResource {
  const rawType = (item.type ?? item.resourceType)!;
  const type = AWS_CONFIG_TYPES[rawType] ?? rawType;
  const region = item.region ?? item.awsRegion ?? (typeof item.attributes?.region === 'string' ? item.attributes.region : 'global');
  const attributes = item.attributes
    ? { ...item.attributes }
    : item.configuration
      ? attributesFromConfiguration(type, item.configuration, region)
      : {};
  const attributeTags = attributes.tags && typeof attributes.tags === 'object' ? (attributes.tags as Record<string, string>) : null;
  const tags = normalizeTags(item.tags) ?? attributeTags ?? {};
  delete attributes.tags;
  delete attributes.tags_all;
  if (attributes.id === undefined) attributes.id = item.resourceId;
  return {
    type,
    resourceId: item.resourceId,
    name: item.resourceName || item.name || tags.Name || item.resourceId,
    region,
    accountId: item.accountId ?? item.awsAccountId ?? defaults.accountId ?? null,
    status: item.status ?? (typeof attributes.instance_state === 'string' && attributes.instance_state ? attributes.instance_state : null) ?? item.configurationItemStatus ?? 'active',
    tags,
    attributes,
    usage: item.usage ?? {},
  };
}

export function itemsOf(document: InventoryDocument): InventoryItem[] {
  return [...(document.items ?? []), ...(document.configurationItems ?? [])];
}
