import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import { bruteForce, playbookOf } from './threats.test-helpers';

let app: TestApp;
let admin: Session;
let playbookId: string;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  const threat = await bruteForce(app, admin, '203.0.113.70');
  playbookId = (await playbookOf(app, admin, threat.threat_id)).id;
});
afterAll(async () => app?.teardown());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const big = 'x'.repeat(64 * 1024 + 1);
const badRule = 'title: broken\nlogsource:\n  product: linux\ndetection:\n  sel:\n    a: b\n  condition: missing_selection\n';

type Case = { name: string; method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; payload?: unknown; headers?: Record<string, string>; status: number; code: string };
const cases: Case[] = [
  { name: 'detect without log_entry', method: 'POST', url: '/api/v1/detect', payload: { source: 'x' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with an empty log_entry', method: 'POST', url: '/api/v1/detect', payload: { log_entry: '' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with a blank log_entry', method: 'POST', url: '/api/v1/detect', payload: { log_entry: '   ' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with log_entry over 64 KiB', method: 'POST', url: '/api/v1/detect', payload: { log_entry: big }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with a non-string log_entry', method: 'POST', url: '/api/v1/detect', payload: { log_entry: 42 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with a bad timestamp', method: 'POST', url: '/api/v1/detect', payload: { log_entry: 'a', timestamp: 'yesterday' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with array metadata', method: 'POST', url: '/api/v1/detect', payload: { log_entry: 'a', metadata: [1] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with malformed JSON', method: 'POST', url: '/api/v1/detect', payload: '{"log_entry": ', headers: { 'content-type': 'application/json' }, status: 400, code: 'INVALID_JSON' },
  { name: 'threats limit over 100', method: 'GET', url: '/api/v1/threats?limit=101', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'threats page 0', method: 'GET', url: '/api/v1/threats?page=0', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'threats unknown severity', method: 'GET', url: '/api/v1/threats?severity=extreme', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'threats unknown status', method: 'GET', url: '/api/v1/threats?status=open', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'threats bad from_date', method: 'GET', url: '/api/v1/threats?from_date=soon', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'threats bad include_simulated', method: 'GET', url: '/api/v1/threats?include_simulated=maybe', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown threat', method: 'GET', url: `/api/v1/threats/${UNKNOWN}`, status: 404, code: 'THREAT_NOT_FOUND' },
  { name: 'status of an unknown threat', method: 'PATCH', url: `/api/v1/threats/${UNKNOWN}`, payload: { status: 'false_positive' }, status: 404, code: 'THREAT_NOT_FOUND' },
  { name: 'unknown threat status value', method: 'POST', url: `/api/v1/threats/${UNKNOWN}/status`, payload: { status: 'resolved' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown playbook', method: 'GET', url: `/api/v1/playbooks/${UNKNOWN}`, status: 404, code: 'PLAYBOOK_NOT_FOUND' },
  { name: 'approve an unknown playbook', method: 'POST', url: `/api/v1/playbooks/${UNKNOWN}/approve`, payload: { approved: true }, status: 404, code: 'PLAYBOOK_NOT_FOUND' },
  { name: 'approve without approved', method: 'POST', url: `/api/v1/playbooks/${UNKNOWN}/approve`, payload: { comment: 'x' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'approve with a string approved', method: 'POST', url: `/api/v1/playbooks/${UNKNOWN}/approve`, payload: { approved: 'yes' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'configure an unknown agent', method: 'POST', url: '/api/v1/agents/hunter/configure', payload: { threshold: 0.5 }, status: 404, code: 'AGENT_NOT_FOUND' },
  { name: 'threshold above 1', method: 'POST', url: '/api/v1/agents/detector/configure', payload: { threshold: 1.5 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'negative threshold', method: 'POST', url: '/api/v1/agents/detector/configure', payload: { threshold: -0.1 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'timeout 0', method: 'POST', url: '/api/v1/agents/executor/configure', payload: { timeout: 0 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'retry_attempts 11', method: 'POST', url: '/api/v1/agents/executor/configure', payload: { retry_attempts: 11 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'fractional retry_attempts', method: 'POST', url: '/api/v1/agents/executor/configure', payload: { retry_attempts: 1.5 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown agent setting', method: 'POST', url: '/api/v1/agents/executor/configure', payload: { model: 'gpt' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown metric', method: 'GET', url: '/api/v1/analytics/metrics?metric=happiness', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown interval', method: 'GET', url: '/api/v1/analytics/metrics?interval=minute', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'from_date after to_date', method: 'GET', url: '/api/v1/analytics/metrics?from_date=2026-02-01T00:00:00Z&to_date=2026-01-01T00:00:00Z', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'too many data points', method: 'GET', url: '/api/v1/analytics/metrics?interval=hour&from_date=2000-01-01T00:00:00Z&to_date=2026-01-01T00:00:00Z', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown attack type', method: 'POST', url: '/api/v1/simulate-attack', payload: { attack_type: 'ddos', target: 'web' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown intensity', method: 'POST', url: '/api/v1/simulate-attack', payload: { attack_type: 'xss', intensity: 'extreme' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'target with spaces', method: 'POST', url: '/api/v1/simulate-attack', payload: { attack_type: 'xss', target: 'a b' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown simulation', method: 'GET', url: `/api/v1/simulations/${UNKNOWN}`, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'rule that does not compile', method: 'POST', url: '/api/v1/rules', payload: { yaml: badRule }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'rule that is not YAML', method: 'POST', url: '/api/v1/rules', payload: 'title: [unclosed', headers: { 'content-type': 'application/yaml' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'rule body of the wrong type', method: 'POST', url: '/api/v1/rules', payload: { yaml: 5 }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'delete an unknown rule', method: 'DELETE', url: '/api/v1/rules/not-a-rule', status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'unknown blocklist format', method: 'GET', url: '/api/v1/blocklist?format=xml', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'release an IP that is not blocked', method: 'DELETE', url: '/api/v1/blocklist/198.51.100.200', status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'cost factor above 1', method: 'PUT', url: '/api/v1/threats/settings', payload: { cost_model: { severity_factor: { high: 2 } } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'cost model asset rule with a bad regex', method: 'PUT', url: '/api/v1/threats/settings', payload: { cost_model: { asset_rules: [{ class: 'db', pattern: '(' }] } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'alert webhook that is not http', method: 'PUT', url: '/api/v1/threats/settings', payload: { alert_webhooks: [{ url: 'ftp://example.com' }] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown settings field', method: 'PUT', url: '/api/v1/threats/settings', payload: { ai: true }, status: 400, code: 'VALIDATION_ERROR' },
];

describe('threat API errors', () => {
  it.each(cases)('$name → $status $code', async ({ method, url, payload, headers, status, code }) => {
    const res = await app.app.inject({ method, url, payload: payload as any, headers: { ...admin.headers, ...(headers ?? {}) } });
    expect(res.statusCode, res.body).toBe(status);
    expect(json(res).error.code).toBe(code);
  });

  it('a duplicate custom rule id is 409', async () => {
    const rule = 'title: dup\nid: 0b7c1f4e-8a5d-4f3e-9c2b-1d2e3f4a5b6c\nlogsource:\n  product: linux\n  service: auth\ndetection:\n  keywords:\n    - dup-token\n  condition: keywords\nlevel: low\n';
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: admin.headers, payload: { yaml: rule } })).statusCode).toBe(201);
    const again = await app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: admin.headers, payload: { yaml: rule } });
    expect(again.statusCode).toBe(409);
  });

  it('the reason of a Sigma compile error reaches the client', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: admin.headers, payload: { yaml: badRule } });
    expect(json(res).error.message).toMatch(/^Invalid Sigma rule: .+/);
  });

  it('approving a playbook twice is 409, and rejecting an executed one too', async () => {
    expect((await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbookId}/approve`, headers: admin.headers, payload: { approved: true } })).statusCode).toBe(200);
    for (const approved of [true, false]) {
      const res = await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbookId}/approve`, headers: admin.headers, payload: { approved } });
      expect(res.statusCode).toBe(409);
      expect(json(res).error.code).toBe('CONFLICT');
    }
  });

  it('the loopback address is never quarantined (the step fails and says why)', async () => {
    const threat = await bruteForce(app, admin, '127.0.0.1');
    expect(threat.threat_detected).toBe(true);
    const playbook = await playbookOf(app, admin, threat.threat_id);
    await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbook.id}/approve`, headers: admin.headers, payload: { approved: true } });
    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    const step = detail.steps.find((s: any) => s.action === 'QUARANTINE_IP');
    expect(step.status).toBe('failed');
    expect(step.error).toMatch(/loopback/);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: admin.headers })).statusCode).toBe(200);
  });
});
