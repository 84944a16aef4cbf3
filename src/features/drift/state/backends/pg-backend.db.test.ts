import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../../../test/support/http';
import { fixture } from '../testing/fixtures';
import { pgConfig } from './config';
import { createPgDriver } from './pg';

vi.mock('../../../../app/features/drift', () => import('../testing/wire-state-only'));

const adminUrl = process.env.VIGIL_TEST_DATABASE_URL;

if (!adminUrl) {
  describe('pg backend', () => {
    it.skip('SKIPPED: VIGIL_TEST_DATABASE_URL is not set, so the pg backend did not run against PostgreSQL', () => undefined);
  });
} else {
  /** A fresh database holding terraform's pg backend schema, exactly as terraform creates it. */
  let connStr: string;
  let dbName: string;
  let app: TestApp;
  let admin: Session;
  const run = async (url: string, sql: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql, values);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dbName = `tf_pg_backend_${randomBytes(5).toString('hex')}`;
    await run(adminUrl, `CREATE DATABASE ${dbName}`);
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    connStr = url.toString();
    await run(connStr, 'CREATE SCHEMA terraform_remote_state');
    await run(connStr, 'CREATE TABLE terraform_remote_state.states (id bigserial primary key, name text, data text)');
    await run(connStr, 'CREATE UNIQUE INDEX states_by_name ON terraform_remote_state.states (name)');
    await run(connStr, 'INSERT INTO terraform_remote_state.states (name, data) VALUES ($1, $2), ($3, $4)', ['default', fixture('web.tfstate'), 'staging', fixture('modules.tfstate')]);
    app = await createTestApp();
    admin = await loginAdmin(app);
  });
  afterAll(async () => {
    await app?.teardown();
    await run(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  describe('pg backend against a real PostgreSQL', () => {
    it('lists, reads, upserts and tests terraform_remote_state.states', async () => {
      const driver = createPgDriver(pgConfig.parse({ conn_str: connStr }));
      expect((await driver.list()).map((o) => o.path)).toEqual(['default', 'staging']);
      expect(await driver.read('default')).toBe(fixture('web.tfstate'));
      expect(await driver.read('nope')).toBeNull();
      await driver.write('prod', fixture('web.tfstate'));
      expect((await run(connStr, 'SELECT count(*)::int AS n FROM terraform_remote_state.states')).rows[0].n).toBe(3);
      expect(await driver.test()).toContain('3 state(s)');
      await run(connStr, "DELETE FROM terraform_remote_state.states WHERE name = 'prod'");
      await driver.close();
    });

    it('reports a wrong schema or password without leaking the connection string', async () => {
      const wrongSchema = createPgDriver(pgConfig.parse({ conn_str: connStr, schema_name: 'missing_schema' }));
      await expect(wrongSchema.list()).rejects.toThrow('PostgreSQL backend: table states does not exist in the schema');
      await wrongSchema.close();
    });

    it('through the API: configured backend, states listed, an import written back to the row with a new serial', async () => {
      const created = await app.app.inject({ method: 'POST', url: '/api/v1/backends', headers: admin.headers, payload: { name: 'tf-pg', type: 'pg', config: { conn_str: connStr } } });
      expect(created.statusCode).toBe(201);
      const backend = json(created).data;
      const list = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/list?backend_id=${backend.id}`, headers: admin.headers })).data;
      expect(list.state_files.map((f: { path: string }) => f.path)).toEqual(['default', 'staging']);
      const staging = list.state_files.find((f: { path: string }) => f.path === 'staging');
      const imported = await app.app.inject({
        method: 'POST',
        url: '/api/v1/state/import',
        headers: admin.headers,
        payload: { state_id: staging.id, resource_type: 'aws_s3_bucket', resource_name: 'logs', resource_id: 'acme-logs' },
      });
      expect(imported.statusCode).toBe(200);
      const row = (await run(connStr, "SELECT data FROM terraform_remote_state.states WHERE name = 'staging'")).rows[0];
      const written = JSON.parse(row.data);
      expect(written.serial).toBe(42);
      expect(written.lineage).toBe('f2e7a1c4-9b3d-4e8f-a6c5-1d2e3f4a5b6c');
      expect(written.resources.some((r: { name: string }) => r.name === 'logs')).toBe(true);
      const test = json(await app.app.inject({ method: 'POST', url: `/api/v1/backends/${backend.id}/test`, headers: admin.headers })).data;
      expect(test.status).toBe('success');
      expect(JSON.stringify(backend)).not.toContain(new URL(connStr).password || '\u0000');
    });
  });
}
