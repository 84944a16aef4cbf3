import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import type { VigilEvent } from '../../events/catalogue';
import * as migration from '../../db/migrations/0009_suppressions';
import { findResource, waitForResult } from '../drift/testing/drift-test-helpers';

/** What each engine does with a suppression: stores the finding with suppressed_by and publishes nothing. */
let app: TestApp;
let admin: Session;
const published: VigilEvent[] = [];

beforeAll(async () => {
  app = await createTestApp({ config: { backgroundJobs: true } });
  admin = await loginAdmin(app);
  app.core.bus.subscribe('*', (event) => void published.push(event));
});
afterAll(async () => app?.teardown());

const suppress = async (payload: Record<string, unknown>) => {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/suppressions', headers: admin.headers, payload: { reason: 'test', expires_at: new Date(Date.now() + 3_600_000).toISOString(), ...payload } });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).data.id as string;
};

const steadyThenSpike = (source: string) => {
  const start = Date.now() - 30 * 60_000;
  const events = Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source, name: 'latency', value: 100 + (i % 3), timestamp: new Date(start + i * 60_000).toISOString() }));
  events.push({ type: 'metric', source, name: 'latency', value: 1000, timestamp: new Date(start + 25 * 60_000).toISOString() });
  return events;
};

describe('anomalies', () => {
  it('a suppressed anomaly is stored with suppressed_by and publishes no anomaly.detected; others still do', async () => {
    const id = await suppress({ engine: 'anomaly', match: { source: 'batch-*', metric: 'latency' } });
    published.length = 0;
    for (const source of ['batch-nightly', 'api-gateway']) {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: admin.headers, payload: { events: steadyThenSpike(source) } });
      expect(res.statusCode).toBeLessThan(300);
    }
    const rows = await app.core.db.selectFrom('anomalies').select(['id', 'source', 'suppressed_by']).where('source', 'in', ['batch-nightly', 'api-gateway']).execute();
    expect(rows.find((r) => r.source === 'batch-nightly')?.suppressed_by).toBe(id);
    expect(rows.find((r) => r.source === 'api-gateway')?.suppressed_by).toBeNull();
    const sources = published.filter((e) => e.type === 'anomaly.detected').map((e) => e.data.source);
    expect(sources).toContain('api-gateway');
    expect(sources).not.toContain('batch-nightly');
  });
});

describe('drift', () => {
  it('suppressed findings are marked; a result whose findings are all suppressed publishes no drift.detected', async () => {
    const web = await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001');
    await app.app.inject({ method: 'PUT', url: `/api/v1/resources/${web.id}/tags`, headers: admin.headers, payload: { tags: { ...web.tags, Environment: 'staging' } } });
    const tagOnly = await suppress({ engine: 'drift', match: { resource_type: 'aws_instance', drift_field: 'tags', 'tag.Name': web.tags.Name ?? '*' } });
    published.length = 0;
    let accepted = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers, payload: { resource_id: web.id } })).data;
    let result = await waitForResult(app, admin.headers, accepted.result_id);
    const byField = Object.fromEntries(result.drifts.map((d: any) => [d.field, d]));
    expect(byField['tags.Environment'].suppressed_by).toBe(tagOnly);
    expect(byField.instance_type.suppressed_by).toBeUndefined();
    expect(published.some((e) => e.type === 'drift.detected' && e.data.result_id === accepted.result_id)).toBe(true);

    const whole = await suppress({ engine: 'drift', match: { resource_id: web.id } });
    published.length = 0;
    accepted = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers, payload: { resource_id: web.id } })).data;
    result = await waitForResult(app, admin.headers, accepted.result_id);
    expect(result.drift_count).toBeGreaterThan(0);
    const stored = await app.core.db.selectFrom('drift_results').select('suppressed_by').where('id', '=', accepted.result_id).executeTakeFirstOrThrow();
    expect([tagOnly, whole]).toContain(stored.suppressed_by);
    expect(published.some((e) => e.type === 'drift.detected')).toBe(false);
  });
});

describe('migration of drift ignore rules', () => {
  it('turns stored positive ignore lines into drift suppressions and keeps negations as ignore rules', async () => {
    expect(migration.ignoreLineToMatch('aws_instance.web.tags.Owner')).toEqual({ resource_type: 'aws_instance', resource_name: 'web', drift_field: 'tags.Owner' });
    expect(migration.ignoreLineToMatch('aws_s3_bucket.my\\.bucket')).toEqual({ resource_type: 'aws_s3_bucket', resource_name: 'my.bucket' });
    expect(migration.ignoreLineToMatch('!aws_s3_bucket.x')).toBeNull();
    if (app.databaseUrl) return; // the data step below rebuilds columns, which this test does on SQLite only
    const db = app.core.db;
    const org = admin.organizationId;
    await migration.down(db);
    await db.insertInto('settings').values({ organization_id: org, key: 'drift.ignore_rules', value: JSON.stringify(['aws_instance.*.tags.LastDeployedAt', '!aws_s3_bucket.keep']), updated_at: 0 }).execute();
    await migration.up(db);
    const rows = await db.selectFrom('suppressions').selectAll().where('organization_id', '=', org).where('origin', '=', 'drift_ignore_rule').execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.match)).toEqual({ resource_type: 'aws_instance', drift_field: 'tags.LastDeployedAt' });
    expect(rows[0]).toMatchObject({ engine: 'drift', owner: 'migration' });
    const kept = await db.selectFrom('settings').select('value').where('organization_id', '=', org).where('key', '=', 'drift.ignore_rules').executeTakeFirstOrThrow();
    expect(JSON.parse(kept.value)).toEqual(['!aws_s3_bucket.keep']);
  });
});
