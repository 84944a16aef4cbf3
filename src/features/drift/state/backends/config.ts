import { z } from 'zod';

/**
 * Configuration of each backend type, validated on the way in (zod discriminated union on `type`).
 * Secret fields are stored as given and masked in every response (`maskBackendConfig`).
 */
const readOnly = z.boolean().default(false);
const objectKey = z.string().trim().min(1).max(1024).refine((v) => !v.split('/').includes('..'), 'must not contain ..');

export const localConfig = z.object({
  /** A directory searched recursively for *.tfstate files, or one state file. Absolute path on the server. */
  path: z.string().trim().min(1).max(4096).refine((v) => v.startsWith('/'), 'must be an absolute path'),
  read_only: readOnly,
});

export const httpConfig = z.object({});

export const pgConfig = z.object({
  conn_str: z.string().trim().max(2048).regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  schema_name: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain SQL identifier')
    .default('terraform_remote_state'),
  read_only: readOnly,
});

export const s3Config = z.object({
  bucket: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name'),
  /** One state object (terraform's `key`), or... */
  key: objectKey.optional(),
  /** ...every *.tfstate object under a prefix. */
  prefix: z.string().trim().max(1024).optional(),
  region: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1')
    .default('us-east-1'),
  /** S3-compatible stores (MinIO, Ceph, R2...): their URL; path-style addressing is then the default. */
  endpoint: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  force_path_style: z.boolean().optional(),
  access_key_id: z.string().trim().min(1).max(256).optional(),
  secret_access_key: z.string().trim().min(1).max(512).optional(),
  session_token: z.string().trim().min(1).max(4096).optional(),
  read_only: readOnly,
});

export const backendTypes = ['local', 'http', 'pg', 's3'] as const;
export type BackendType = (typeof backendTypes)[number];

export const backendConfigByType = { local: localConfig, http: httpConfig, pg: pgConfig, s3: s3Config } as const;

export type LocalConfig = z.infer<typeof localConfig>;
export type PgConfig = z.infer<typeof pgConfig>;
export type S3Config = z.infer<typeof s3Config>;
export type BackendConfig =
  | ({ type: 'local' } & LocalConfig)
  | { type: 'http' }
  | ({ type: 'pg' } & PgConfig)
  | ({ type: 's3' } & S3Config);

export const MASK = '********';

/** What a client may see of a configuration: passwords, secret keys and tokens replaced by a mask. */
export function maskBackendConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config };
  if (type === 'pg' && typeof masked.conn_str === 'string') masked.conn_str = maskConnectionString(masked.conn_str);
  if (type === 's3') {
    for (const key of ['secret_access_key', 'session_token'] as const) if (masked[key] !== undefined) masked[key] = MASK;
    if (typeof masked.access_key_id === 'string') masked.access_key_id = `${MASK}${masked.access_key_id.slice(-4)}`;
  }
  return masked;
}

export function maskConnectionString(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = MASK;
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) url.searchParams.set(key, MASK);
    }
    return url.toString().replace(encodeURIComponent(MASK), MASK).replaceAll('%2A', '*');
  } catch {
    return MASK;
  }
}

/** Identifies what a backend points at, so discovery and creation never duplicate one. */
export function locatorOf(config: BackendConfig): string {
  switch (config.type) {
    case 'local':
      return `local:${config.path}`;
    case 'http':
      return 'http';
    case 'pg': {
      let where = config.conn_str;
      try {
        const url = new URL(config.conn_str);
        where = `${url.username}@${url.host}${url.pathname}`;
      } catch {
        /* validated already */
      }
      return `pg:${where}/${config.schema_name}`;
    }
    case 's3':
      return `s3:${config.endpoint ?? 'aws'}/${config.bucket}/${config.key ?? config.prefix ?? ''}`;
  }
}
