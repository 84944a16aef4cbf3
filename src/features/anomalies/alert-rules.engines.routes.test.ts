import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import { gatewayOf } from '../../app/features/gateway';
import { bruteForce } from '../threats/threats.test-helpers';
import { waitForResult } from '../drift/testing/drift-test-helpers';

/** Alert rules match threats and drift too (engine, type, minimum severity, resource tags). */
let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp({ config: { backgroundJobs: true } });
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const createRule = async (conditions: Record<string, unknown>, name: string) => {
  const res = await app.app.inject({ method: 'POST', url: '/v1/alert-rules', headers: admin.headers, payload: { name, severity: 'high', conditions, channels: [{ type: 'webhook', url: 'http://127.0.0.1:9/alerts' }] } });
  expect(res.statusCode, res.body).toBe(201);
  return json(res).id as string;
};
const firingsOf = async (ruleId: string) => {
  await gatewayOf(app).webhooks.settled();
  return app.core.db.selectFrom('alert_firings').select(['anomaly_id', 'deliveries']).where('rule_id', '=', ruleId).execute();
};
const eventually = async <T>(read: () => Promise<T[]>, n: number) => {
  let rows: T[] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    rows = await read();
    if (rows.length >= n) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return rows;
};

describe('alert rules for every engine', () => {
  it('a threat rule fires on a matching threat (type glob, minimum severity) and not on others', async () => {
    const bruteRule = await createRule({ engine: 'threat', type: 'brute_*', min_severity: 'medium' }, 'brute force');
    const sqliRule = await createRule({ engine: 'threat', type: 'sql_injection' }, 'sqli');
    const threat = await bruteForce(app, admin, '203.0.113.77');
    const firings = await eventually(() => firingsOf(bruteRule), 1);
    expect(firings.map((f) => f.anomaly_id)).toContain(threat.threat_id);
    expect(JSON.parse(firings[0]!.deliveries)[0]).toMatchObject({ channel: 'webhook', status: 'queued' });
    expect(await firingsOf(sqliRule)).toHaveLength(0);
  });

  it('a drift rule fires on a scan with critical findings; an anomaly rule without threshold is refused', async () => {
    const rule = await createRule({ engine: 'drift', min_severity: 'critical', type: 'aws_security_group' }, 'exposed SGs');
    const tagged = await createRule({ engine: 'drift', resource_tags: { Environment: 'nowhere' } }, 'no such tag');
    const accepted = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers, payload: {} })).data;
    await waitForResult(app, admin.headers, accepted.result_id);
    const firings = await eventually(() => firingsOf(rule), 1);
    expect(firings.map((f) => f.anomaly_id)).toContain(accepted.result_id);
    expect(await firingsOf(tagged)).toHaveLength(0);

    const refused = await app.app.inject({ method: 'POST', url: '/v1/alert-rules', headers: admin.headers, payload: { name: 'x', severity: 'low', conditions: { metric: 'cpu' }, channels: ['webhook'] } });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('threshold');
  });
});
