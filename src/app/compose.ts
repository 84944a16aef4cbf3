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
import type { CoreContext, Feature } from './context';
import { wireGateway } from './features/gateway';
import { wireThreats } from './features/threats';
import { wireAnomalies } from './features/anomalies';
import { wireDrift } from './features/drift';
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
  const accounts = createAccountsService({
    db,
    repo: createAccountsRepository(db),
    settings,
    hasher,
    tokens,
    bus,
    clock,
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
  });
  bus.subscribe(['user.disabled'], (event) => accounts.forgetUser(String(event.data.user_id)), { scope: 'cluster' });
  const apiKeys = createApiKeysService({
    repo: createApiKeysRepository(db),
    bus,
    clock,
    logger,
    flushMs: config.apiKeyUsageFlushMs,
    background: config.backgroundJobs,
  });
  const authenticator = createAuthenticator({ tokens, accounts, apiKeys });

  const app = await createServer({ logger, bodyLimitBytes: config.bodyLimitBytes, trustProxy: config.trustProxy, version: VERSION });
  installAuth(app, authenticator);
  const ws = createWsHub({ bus, logger, heartbeatSeconds: config.heartbeatSeconds, authenticator });

  const core: CoreContext = { config, logger, db, dialect: database.dialect, clock, bus, redis, settings, secrets, ws, accounts, apiKeys };

  const suppressions = createSuppressionsModule({ db, bus, clock, logger });
  const gateway = await wireGateway(core);
  const threats = await wireThreats(core, { gateway: gateway.api, suppressions: suppressions.api });
  const anomalies = await wireAnomalies(core, { gateway: gateway.api, threats: threats.api, suppressions: suppressions.api });
  const drift = await wireDrift(core, { gateway: gateway.api, suppressions: suppressions.api, threats: threats.driftThreats });
  const features: Feature[] = [threats.feature, gateway.feature, anomalies.feature, drift.feature];
  features.push({ name: 'suppressions', routes: suppressions.routes, stop: suppressions.stop });
  features.push({ name: 'timeline', routes: createTimelineModule({ db }).routes });

  for (const feature of features) feature.hooks?.(app);
  ws.register(app);
  accountsRoutes({ accounts, openRegistration: config.openRegistration })(app);
  apiKeysRoutes({ apiKeys })(app);
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

  return { app, core, features, close: () => app.close() };
}
