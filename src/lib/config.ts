import { z } from 'zod';
import path from 'node:path';

/**
 * Every setting Vigil reads, validated once at start-up. A bad value stops the server with one line naming
 * the variable (see `formatConfigError`). Features add their settings here so the whole surface stays visible.
 */
const boolFromEnv = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
]);

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const configSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: intFromEnv(0, 65535).default(8080),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Key that encrypts secrets stored in the database (webhook secrets, backend credentials, alert keys). */
  secretsKey: z.string().min(32, 'must be at least 32 characters').optional(),
  accessTokenTtlSeconds: intFromEnv(60, 86_400).default(900),
  refreshTokenTtlSeconds: intFromEnv(300, 90 * 86_400).default(30 * 86_400),
  adminUsername: z.string().trim().min(3).max(64).optional(),
  adminEmail: z.string().trim().email().optional(),
  adminPassword: z.string().min(8, 'must be at least 8 characters').max(256).optional(),
  openRegistration: boolFromEnv.default(true),
  argon2MemoryKib: intFromEnv(1024, 1_048_576).default(19_456),
  argon2TimeCost: intFromEnv(1, 10).default(2),
  bodyLimitBytes: intFromEnv(1024, 512 * 1024 * 1024).default(1024 * 1024),
  ingestBodyLimitBytes: intFromEnv(1024, 512 * 1024 * 1024).default(16 * 1024 * 1024),
  trustProxy: boolFromEnv.default(false),
  /** Development: answers that break their declared response schema become a 500 naming the mismatch. */
  validateResponses: boolFromEnv.default(false),
  heartbeatSeconds: intFromEnv(1, 3600).default(30),
  apiKeyUsageFlushMs: intFromEnv(50, 600_000).default(5_000),
  shutdownGraceMs: intFromEnv(0, 600_000).default(10_000),
  /** Gateway */
  rateLimitFail: z.enum(['open', 'closed']).default('open'),
  rateLimitsEnabled: boolFromEnv.default(true),
  usageFlushMs: intFromEnv(10, 600_000).default(1_000),
  webhookMaxAttempts: intFromEnv(1, 100).default(12),
  webhookTimeoutMs: intFromEnv(100, 120_000).default(10_000),
  /** Deprecated, no effect: the outbound guard (VIGIL_OUTBOUND_ALLOW) decides which destinations are reachable. */
  webhookAllowPrivate: boolFromEnv.default(true),
  /** Drift */
  terraformRoots: z.string().optional(),
  /** Drift state sources discovered for the default organization: S3 buckets (`bucket[/prefix]`, comma-separated) and terraform's pg backend. */
  terraformS3Buckets: z.string().optional(),
  terraformS3Endpoint: z.url({ protocol: /^https?$/ }).optional(),
  terraformS3Region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region such as us-east-1').optional(),
  terraformPgUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  terraformPgSchema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain SQL identifier').optional(),
  driftScanIntervalSeconds: intFromEnv(0, 30 * 86_400).default(0),
  /** Drift: tags every resource must carry (compliance check VGL-TAG-001), comma-separated. */
  driftRequiredTags: z.string().max(1000).default('Environment,Owner'),
  /** Drift live inventory from AWS: on when credentials are set here, or forced with VIGIL_AWS_INVENTORY=true (SDK default chain). */
  awsInventory: boolFromEnv.optional(),
  awsRegions: z.string().regex(/^\s*[a-z]{2}(-[a-z]+)+-\d(\s*,\s*[a-z]{2}(-[a-z]+)+-\d)*\s*$/, 'must be comma-separated regions such as us-east-1,eu-west-1').default('us-east-1'),
  awsAccessKeyId: z.string().min(1).max(256).optional(),
  awsSecretAccessKey: z.string().min(1).max(256).optional(),
  awsSessionToken: z.string().min(1).max(4096).optional(),
  awsEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  /** Threats */
  threatPlaybooksDir: z.string().min(1).optional(),
  threatLogRetentionLines: intFromEnv(0, 100_000_000).default(100_000),
  threatCheckpointSeconds: intFromEnv(1, 86_400).default(60),
  /** Cluster mode (several instances on one PostgreSQL + Redis): `auto` turns it on when VIGIL_REDIS_URL is set. */
  cluster: z.enum(['auto', 'off']).default('auto'),
  /** Partitions of the streaming state; every instance of a cluster must use the same number. */
  clusterPartitions: intFromEnv(1, 4096).default(16),
  /** A partition lease not renewed for this long moves to another instance (the failover time). */
  clusterLeaseMs: intFromEnv(500, 600_000).default(5_000),
  clusterRenewMs: intFromEnv(100, 60_000).default(1_000),
  /** How long an ingest request waits for the partition owners' detections before answering without them. */
  clusterIngestWaitMs: intFromEnv(0, 120_000).default(10_000),
  /** Organizations, audit, storage (issue 14) */
  invitationTtlHours: intFromEnv(1, 24 * 30).default(72),
  /** Outbound guard: CIDRs and host names user-aimed requests may reach besides public addresses and loopback. */
  outboundAllow: z.string().max(4000).default(''),
  /** SQLite durability: `normal` survives a process crash, `full` also a power loss (slower commits). */
  sqliteSynchronous: z.enum(['normal', 'full']).default('normal'),
  /** Most bytes of an oversized request body read (and discarded) so that its 413 reaches the client. */
  oversizedDrainBytes: intFromEnv(0, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  retentionPruneIntervalSeconds: intFromEnv(1, 86_400).default(60),
  retentionBatchSize: intFromEnv(10, 100_000).default(1000),
  /** Set by tests and benchmarks to run without background timers. */
  backgroundJobs: boolFromEnv.default(true),
  /** Web console: how long a signed-in browser stays signed in without activity (sliding). */
  consoleSessionTtlSeconds: intFromEnv(300, 30 * 86_400).default(8 * 3600),
  /** Intake and metrics: a bearer token Prometheus may send to GET /metrics (else an administrator's API key). */
  metricsToken: z.string().min(16, 'must be at least 16 characters').max(512).optional(),
  /** Process metrics (CPU, memory, event loop, GC) in /metrics. */
  metricsProcess: boolFromEnv.default(true),
  /** Ingest batches admitted at once across every intake; past it ingest answers 503 with Retry-After. */
  ingestMaxPendingBatches: intFromEnv(1, 100_000).default(64),
  /** Syslog listeners: off unless a port is set (0 picks a free port). */
  syslogHost: z.string().min(1).default('0.0.0.0'),
  syslogUdpPort: intFromEnv(0, 65535).optional(),
  syslogTcpPort: intFromEnv(0, 65535).optional(),
  syslogTlsPort: intFromEnv(0, 65535).optional(),
  syslogTlsCert: z.string().min(1).optional(),
  syslogTlsKey: z.string().min(1).optional(),
  /** Organization (id) the syslog listeners feed; default: the first organization (the bootstrap admin's). */
  syslogOrganization: z.string().trim().min(1).max(64).optional(),
  syslogMaxFrameBytes: intFromEnv(480, 1024 * 1024).default(64 * 1024),
  syslogMaxQueued: intFromEnv(100, 10_000_000).default(50_000),
  /** Anomalies: an open or acknowledged anomaly resolves by itself after this many normal points of its series (0: never). */
  anomalyAutoResolvePoints: intFromEnv(0, 100_000).default(10),
});

export type Config = z.infer<typeof configSchema>;
type RawConfig = { [K in keyof Config]?: unknown };

/** Environment variable for each setting: VIGIL_ + the setting in SCREAMING_SNAKE_CASE. */
export function envName(key: string): string {
  return `VIGIL_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

const ENV_ALIASES: Partial<Record<keyof Config, string[]>> = {
  databaseUrl: ['VIGIL_DATABASE_URL'],
  redisUrl: ['VIGIL_REDIS_URL'],
  rateLimitFail: ['VIGIL_RATE_LIMIT_FAIL'],
};

export function readEnv(env: NodeJS.ProcessEnv): RawConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape) as (keyof Config)[]) {
    const names = [envName(key), ...(ENV_ALIASES[key] ?? [])];
    for (const name of names) {
      const value = env[name];
      if (value !== undefined && value !== '') raw[key] = value;
    }
  }
  return raw as RawConfig;
}

export class ConfigError extends Error {}

export function loadConfig(overrides: RawConfig = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const merged = { ...readEnv(env), ...stripUndefined(overrides) };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const shown = /secret|password|token|accesskey/i.test(key) ? '(hidden)' : JSON.stringify(merged[key as keyof Config]);
    throw new ConfigError(`Invalid configuration: ${envName(key)}=${shown} ${issue.message}`);
  }
  const config = parsed.data;
  if (config.adminUsername || config.adminEmail || config.adminPassword) {
    if (!(config.adminUsername && config.adminEmail && config.adminPassword)) {
      throw new ConfigError(
        'Invalid configuration: VIGIL_ADMIN_USERNAME, VIGIL_ADMIN_EMAIL and VIGIL_ADMIN_PASSWORD must be set together',
      );
    }
  }
  if (Boolean(config.syslogTlsCert) !== Boolean(config.syslogTlsKey)) {
    throw new ConfigError('Invalid configuration: VIGIL_SYSLOG_TLS_CERT and VIGIL_SYSLOG_TLS_KEY must be set together');
  }
  return { ...config, dataDir: path.resolve(config.dataDir) };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
