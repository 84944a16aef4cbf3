import path from 'node:path';
import type { Redis } from 'ioredis';
import { openDatabase, type DatabaseHandle } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { SERVER_SCOPE, createSettingsStore } from '../db/settings';
import { createEventBus } from '../events/bus';
import { systemClock, type Clock } from '../lib/clock';
import type { Config } from '../lib/config';
import { randomToken } from '../lib/crypto';
import { loadOrCreateSecretFile } from '../lib/server-secret';
import { createSecretBox } from '../lib/secret-box';
import { createLogger, type Logger } from '../lib/logger';
import { createRedis } from '../lib/redis';
import { VERSION, gitCommit } from '../lib/version';
import { installAuth } from '../server/auth';
import { createServer } from '../server/app';
import type { App } from '../server/types';
import { createWsHub } from '../server/ws-hub';
import { createAccountsRepository } from '../features/accounts/accounts.repository';
import { createAccountsService } from '../features/accounts/accounts.service';
import { accountsRoutes } from '../features/accounts/accounts.routes';
import { createAuthenticator } from '../features/accounts/authenticator';
import { createPasswordHasher } from '../features/accounts/passwords';
import { createTokenIssuer } from '../features/accounts/tokens';
import { createApiKeysRepository } from '../features/api-keys/api-keys.repository';
import { createApiKeysService } from '../features/api-keys/api-keys.service';
import { apiKeysRoutes } from '../features/api-keys/api-keys.routes';
import { healthRoutes } from '../features/health/health.routes';
import { createAuditModule } from '../features/audit/audit.module';
import { createOrganizationsModule } from '../features/organizations/organizations.module';
import { createLoginThrottle } from '../features/accounts/login-throttle';
import type { FailedLogin } from '../features/accounts/accounts.service';
import type { ThreatsApi } from './contracts';
import { createOutboundGuard } from '../lib/net/outbound-guard';
import { createRetentionModule } from '../features/retention/retention.module';
import type { CoreContext, Feature } from './context';
import type { IngestApi } from './contracts';
import type { AccountsService } from '../features/accounts/accounts.service';
import { wireGateway } from './features/gateway';
import { wireThreats } from './features/threats';
import { wireAnomalies } from './features/anomalies';
import { wireDrift } from './features/drift';
import { createFindingsModule } from '../features/findings/findings.module';
import { createConsoleModule } from '../features/console/console.module';
import { createClusterModule, type ClusterModule } from '../features/cluster/cluster.module';
import { wireIntake, wireMetrics } from './features/intake';
import { createSuppressionsModule } from '../features/suppressions/suppressions.module';
import { createTimelineModule } from '../features/timeline/timeline.module';

export interface BuildOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** SQLite file; defaults to <dataDir>/vigil.db. ':memory:' for tests. */
  sqliteFile?: string;
}

export interface Vigil {
  app: App;
  core: CoreContext;
  features: Feature[];
  /** Cluster mode's partition ownership (null on a single instance: no Redis, or VIGIL_CLUSTER=off). */
  cluster: ClusterModule | null;
  /** Drains requests, stops features and closes the database (also run by app.close()). */
  close(): Promise<void>;
}

/** The one composition root: storage, bus, core services, then each feature in dependency order. */
export async function buildApp(options: BuildOptions): Promise<Vigil> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);

  const database: DatabaseHandle = openDatabase({
    url: config.databaseUrl,
    sqliteSynchronous: config.sqliteSynchronous,
    sqliteFile: options.sqliteFile ?? path.join(config.dataDir, 'vigil.db'),
  });
  let redis: Redis | null = null;
  let redisSubscriber: Redis | null = null;
  try {
    await migrateToLatest(database.db);
    if (config.redisUrl) {
      redis = createRedis(config.redisUrl);
      redisSubscriber = createRedis(config.redisUrl);
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const db = database.db;
  const settings = createSettingsStore(db);
  const bus = createEventBus({ logger, redis: redis && redisSubscriber ? { publisher: redis, subscriber: redisSubscriber } : null });

  // Generated once when not configured: in the data dir on SQLite, in the database on PostgreSQL so that
  // every instance shares it.
  const serverSecret = async (configured: string | undefined, name: string) =>
    configured ??
    (database.dialect === 'postgres'
      ? await settings.putIfAbsent(SERVER_SCOPE, name, randomToken(48))
      : loadOrCreateSecretFile(config.dataDir, name.replace(/_/g, '-')));
  const jwtSecret = await serverSecret(config.jwtSecret, 'jwt_secret');
  // Kept with the data it protects unless VIGIL_SECRETS_KEY is set: the rows stay readable when the database
  // moves; the protection against a leaked database comes from configuring the key elsewhere.
  const secrets = createSecretBox(config.secretsKey ?? (await settings.putIfAbsent(SERVER_SCOPE, 'secrets_key', randomToken(48))));
  const tokens = createTokenIssuer({ secret: jwtSecret, ttlSeconds: config.accessTokenTtlSeconds });
  const hasher = createPasswordHasher({ memoryKib: config.argon2MemoryKib, timeCost: config.argon2TimeCost });
  const audit = createAuditModule({ db, bus, clock, logger });
  let accountsRef: AccountsService | null = null;
  const organizations = createOrganizationsModule({
    db,
    clock,
    audit: audit.api,
    invitationTtlHours: config.invitationTtlHours,
    members: () => accountsRef!,
  });
  let threatsRef: ThreatsApi | null = null;
  const reportFailedLogin = (failure: FailedLogin) => {
    void (async () => {
      if (!threatsRef) return;
      await threatsRef.analyzeLogLines(await accounts.defaultOrganizationId(), [failedLoginLine(failure)]);
    })().catch((error) => logger.warn({ err: error }, 'could not report a failed login to the threat engine'));
  };
  const accounts = createAccountsService({
    db,
    repo: createAccountsRepository(db),
    settings,
    hasher,
    tokens,
    bus,
    clock,
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
    audit: audit.api,
    throttle: createLoginThrottle({ db, clock }),
    invitations: organizations.api,
    onLoginFailure: reportFailedLogin,
  });
  accountsRef = accounts;
  bus.subscribe(['user.disabled', 'member.updated'], (event) => accounts.forgetUser(String(event.data.user_id)), { scope: 'cluster' });
  const apiKeys = createApiKeysService({
    repo: createApiKeysRepository(db),
    bus,
    clock,
    logger,
    flushMs: config.apiKeyUsageFlushMs,
    background: config.backgroundJobs,
    audit: audit.api,
  });
  const authenticator = createAuthenticator({ tokens, accounts, apiKeys });

  const app = await createServer({ logger, bodyLimitBytes: config.bodyLimitBytes, trustProxy: config.trustProxy, version: VERSION, validateResponses: config.validateResponses, oversizedDrainBytes: config.oversizedDrainBytes });
  installAuth(app, authenticator);
  const ws = createWsHub({ bus, logger, heartbeatSeconds: config.heartbeatSeconds, authenticator });

  const outbound = createOutboundGuard({ allow: config.outboundAllow });
  const core: CoreContext = { config, logger, db, dialect: database.dialect, clock, bus, redis, settings, secrets, ws, accounts, apiKeys, audit: audit.api, outbound };

  const cluster =
    // Several instances share state only through PostgreSQL and Redis; SQLite is one instance's database.
    config.redisUrl && config.databaseUrl && config.cluster !== 'off'
      ? createClusterModule({ db, redisUrl: config.redisUrl, logger, namespace: await settings.putIfAbsent(SERVER_SCOPE, 'cluster_id', randomToken(12)), options: { partitions: config.clusterPartitions, leaseMs: config.clusterLeaseMs, renewMs: config.clusterRenewMs } })
      : null;
  const suppressions = createSuppressionsModule({ db, bus, clock, logger });
  const gateway = await wireGateway(core);
  const threats = await wireThreats(core, { gateway: gateway.api, sharedCorrelation: cluster !== null, suppressions: suppressions.api });
  threatsRef = threats.api;
  const metrics = wireMetrics(core, { gateway: gateway.api, pingDatabase: () => database.ping(), redisConnections: [redis, redisSubscriber] });
  const anomalies = await wireAnomalies(core, { gateway: gateway.api, threats: threats.api, cluster: cluster?.api ?? null, ingestHooks: metrics.ingestHooks, suppressions: suppressions.api });
  const drift = await wireDrift(core, { gateway: gateway.api, suppressions: suppressions.api, threats: threats.driftThreats });
  const intake = wireIntake(core, { ingest: anomalies.api.ingest as IngestApi, metrics: metrics.module });
  const retention = createRetentionModule({
    db,
    settings,
    clock,
    logger,
    audit: audit.api,
    background: config.backgroundJobs,
    intervalSeconds: config.retentionPruneIntervalSeconds,
    batchSize: config.retentionBatchSize,
  });
  const features: Feature[] = [threats.feature, gateway.feature, anomalies.feature, drift.feature, metrics.feature, intake.feature, retention];
  const findings = createFindingsModule({ db });
  const webConsole = createConsoleModule({
    db, clock, logger, bus, accounts, findings: findings.api,
    signAccessToken: (claims) => tokens.sign(claims),
    sessionTtlSeconds: config.consoleSessionTtlSeconds,
    heartbeatSeconds: config.heartbeatSeconds,
    background: config.backgroundJobs,
  });
  features.push({ name: 'findings', routes: findings.routes }, { name: 'console', routes: (target) => webConsole.routes(target), start: webConsole.start, stop: webConsole.stop });
  features.push({ name: 'suppressions', routes: suppressions.routes, stop: suppressions.stop });
  features.push({ name: 'timeline', routes: createTimelineModule({ db }).routes });
  // Last: starts once the partition workers are ready, stops (handing partitions off) before the others.
  if (cluster) features.push({ name: 'cluster', start: () => cluster.start(), stop: () => cluster.stop() });

  for (const feature of features) feature.hooks?.(app);
  ws.register(app);
  accountsRoutes({ accounts, openRegistration: config.openRegistration })(app);
  apiKeysRoutes({ apiKeys })(app);
  organizations.routes(app);
  audit.routes(app);
  healthRoutes({
    version: VERSION,
    startedAt: Date.now(),
    gitCommit: gitCommit(),
    ws,
    checks: {
      database: async () => ((await database.ping()) ? 'connected' : 'disconnected'),
      redis: async () => {
        if (!redis) return 'disabled';
        return (await Promise.race([redis.ping(), new Promise((resolve) => setTimeout(resolve, 1000, 'timeout'))])) === 'PONG'
          ? 'connected'
          : 'disconnected';
      },
    },
    cluster: cluster ? () => cluster.health() : undefined,
  })(app);
  for (const feature of features) await feature.routes?.(app);

  if (config.adminUsername && config.adminEmail && config.adminPassword) {
    const result = await accounts.ensureAdmin({ username: config.adminUsername, email: config.adminEmail, password: config.adminPassword });
    if (result.created) logger.info({ username: result.user.username }, 'created the bootstrap admin');
    else if (result.conflict) logger.warn({ username: config.adminUsername }, 'bootstrap admin not created: a different account already uses this username or email (left unchanged)');
  }

  let closed = false;
  async function shutdown() {
    if (closed) return;
    closed = true;
    for (const feature of [...features].reverse()) {
      try {
        await feature.stop?.();
      } catch (error) {
        logger.error({ err: error, feature: feature.name }, 'feature did not stop cleanly');
      }
    }
    await apiKeys.stop();
    await ws.close();
    await bus.close();
    redis?.disconnect();
    redisSubscriber?.disconnect();
    await database.close();
  }
  app.addHook('onClose', async () => shutdown());

  await app.ready();
  apiKeys.start();
  if (config.backgroundJobs) ws.start();
  for (const feature of features) await feature.start?.();

  return { app, core, features, cluster, close: () => app.close() };
}

/** A failed login to Vigil as a structured log line the threat engine's brute-force correlation understands. */
function failedLoginLine(failure: FailedLogin) {
  const message = `vigil: failed login for ${failure.knownUser ? '' : 'unknown user '}${failure.login} from ${failure.address ?? 'unknown'}`;
  return {
    source: 'vigil-auth',
    timestamp: new Date(failure.at).toISOString(),
    message: JSON.stringify({ event: 'failed_login', auth_result: 'failure', src_ip: failure.address, user: failure.login, invalid_user: !failure.knownUser, program: 'vigil', message }),
  };
}
