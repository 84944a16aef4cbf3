import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { buildApp, type Vigil } from '../../src/app/compose';
import { loadConfig, type Config } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import type { Clock } from '../../src/lib/clock';

export const ADMIN = { username: 'admin', email: 'admin@vigil.test', password: 'admin-password-1' };

export interface TestApp extends Vigil {
  dataDir: string;
  databaseUrl: string | null;
  /** Stops the app and drops its database. */
  teardown(): Promise<void>;
}

export const testDialect = (): 'sqlite' | 'postgres' => (process.env.VIGIL_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite');

/** A database of its own for one test file on the shared PostgreSQL server. */
async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.VIGIL_TEST_DATABASE_URL!;
  const name = `vigil_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The real composition root on a fresh database: in-memory SQLite, or a new PostgreSQL database when the
 * project runs with VIGIL_TEST_DIALECT=postgres. Background timers are off unless a test turns them on.
 */
export async function createTestApp(
  options: { config?: Partial<Config>; clock?: Clock; databaseUrl?: string; /** SQLite file shared by several apps (restart tests); default ':memory:'. */ sqliteFile?: string } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
  let databaseUrl: string | null = options.databaseUrl ?? null;
  let drop: (() => Promise<void>) | null = null;
  if (!databaseUrl && testDialect() === 'postgres') {
    const created = await createPgDatabase();
    databaseUrl = created.url;
    drop = created.drop;
  }
  const config = loadConfig(
    {
      dataDir,
      databaseUrl: databaseUrl ?? undefined,
      jwtSecret: 'test-secret-test-secret-test-secret-0123',
      adminUsername: ADMIN.username,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      argon2MemoryKib: 1024,
      argon2TimeCost: 1,
      logLevel: 'silent',
      backgroundJobs: false,
      // Suites make hundreds of requests from one address; the gateway's own tests turn limits on.
      rateLimitsEnabled: false,
      // Every answer of every API test is checked against the schema its route declares.
      validateResponses: true,
      ...options.config,
    } as Record<string, unknown>,
    {},
  );
  const vigil = await buildApp({ config, clock: options.clock, logger: createLogger('silent'), sqliteFile: databaseUrl ? undefined : (options.sqliteFile ?? ':memory:') });
  return {
    ...vigil,
    dataDir,
    databaseUrl,
    async teardown() {
      await vigil.close();
      if (drop) await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
