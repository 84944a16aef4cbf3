import { z } from 'zod';
import { idParam, limitOffsetQuery } from '../../../lib/schemas';
import { localConfig, pgConfig, s3Config } from './backends/config';

const name = z.string().trim().min(1).max(100);

/** `POST /api/v1/backends`: the configuration is validated by the backend type. */
export const createBackendBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('local'), name, config: localConfig }),
  z.object({ type: z.literal('http'), name: name.default('vigil-http'), config: z.object({}).optional() }),
  z.object({ type: z.literal('pg'), name, config: pgConfig }),
  z.object({ type: z.literal('s3'), name, config: s3Config }),
]);

export const discoverProviders = ['aws', 'azure', 'gcp', 'local', 'http', 'pg'] as const;
export const discoverBody = z
  .object({
    providers: z.array(z.enum(discoverProviders)).max(10).optional(),
    regions: z
      .array(z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1'))
      .max(50)
      .optional(),
  })
  .optional();

export const backendView = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  config: z.record(z.string(), z.unknown()),
  status: z.string(),
  source: z.string(),
  read_only: z.boolean(),
  last_checked: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const backendTestResult = z.object({
  backend_id: z.string(),
  status: z.enum(['success', 'failed']),
  message: z.string(),
  response_time: z.string(),
  response_time_ms: z.number(),
  checked_at: z.string(),
});

export const idParams = z.object({ id: idParam });
export const stateIdQuery = z.object({ state_id: idParam });
export const stateListQuery = limitOffsetQuery.extend({ backend_id: idParam.optional() });

export const stateSummary = z.object({
  id: z.string(),
  backend_id: z.string(),
  path: z.string(),
  size: z.number(),
  last_modified: z.string(),
  locked: z.boolean(),
  serial: z.number(),
  lineage: z.string().nullable(),
  terraform_version: z.string().nullable(),
  resource_count: z.number(),
  versions: z.number(),
});

const resourceType = z.string().trim().regex(/^[a-z][a-z0-9_]{0,99}$/, 'must be a terraform resource type such as aws_instance');
const resourceName = z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, 'must be a terraform resource name');
const address = z.string().trim().min(3).max(500);

export const importBody = z.object({
  state_id: idParam,
  resource_type: resourceType,
  resource_name: resourceName,
  resource_id: z.string().trim().min(1).max(1024),
  attributes: z.record(z.string(), z.unknown()).optional(),
  provider: z
    .string()
    .trim()
    .max(300)
    .regex(/^provider\["[^"]+"\](\.[A-Za-z0-9_-]+)?$/, 'must look like provider["registry.terraform.io/hashicorp/aws"]')
    .optional(),
  module: z
    .string()
    .trim()
    .max(300)
    .regex(/^module\.[A-Za-z_][A-Za-z0-9_-]*(\.module\.[A-Za-z_][A-Za-z0-9_-]*)*$/, 'must look like module.name')
    .optional(),
});

export const moveBody = z.object({ state_id: idParam, from_address: address, to_address: address });
export const rollbackBody = z.object({ state_id: idParam, serial: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export const lockBody = z.object({
  state_id: idParam,
  reason: z.string().trim().max(500).default(''),
  operation: z.string().trim().min(1).max(100).default('OperationTypeApply'),
});
export const unlockBody = z.object({ state_id: idParam, force: z.boolean().default(false) });

export const lockInfo = z.object({
  ID: z.string(),
  Operation: z.string(),
  Info: z.string(),
  Who: z.string(),
  Version: z.string(),
  Created: z.string(),
  Path: z.string(),
});
