import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';
import { bruteForce, playbookOf } from './threats.test-helpers';

let app: TestApp;
const getApp = () => app;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.teardown());

describe('threat API security', () => {
  securitySuite(getApp, [
    { method: 'POST', url: '/api/v1/detect', payload: { log_entry: 'hello' } },
    { method: 'GET', url: '/api/v1/threats' },
    { method: 'GET', url: `/api/v1/threats/${UNKNOWN}` },
    { method: 'PATCH', url: `/api/v1/threats/${UNKNOWN}`, payload: { status: 'false_positive' } },
    { method: 'POST', url: `/api/v1/threats/${UNKNOWN}/status`, payload: { status: 'false_positive' } },
    { method: 'GET', url: '/api/v1/playbooks' },
    { method: 'GET', url: `/api/v1/playbooks/${UNKNOWN}` },
    { method: 'POST', url: `/api/v1/playbooks/${UNKNOWN}/approve`, payload: { approved: true } },
    { method: 'GET', url: '/api/v1/agents/status' },
    { method: 'POST', url: '/api/v1/agents/detector/configure', payload: { threshold: 0.5 } },
    { method: 'GET', url: '/api/v1/analytics/dashboard' },
    { method: 'GET', url: '/api/v1/analytics/metrics' },
    { method: 'POST', url: '/api/v1/simulate-attack', payload: { attack_type: 'xss' } },
    { method: 'GET', url: `/api/v1/simulations/${UNKNOWN}` },
    { method: 'GET', url: '/api/v1/rules' },
    { method: 'POST', url: '/api/v1/rules', payload: { yaml: 'title: x' } },
    { method: 'DELETE', url: '/api/v1/rules/x' },
    { method: 'GET', url: '/api/v1/blocklist' },
    { method: 'DELETE', url: '/api/v1/blocklist/198.51.100.1' },
    { method: 'GET', url: '/api/v1/threats/settings' },
    { method: 'PUT', url: '/api/v1/threats/settings', payload: {} },
  ]);

  describe('roles', () => {
    let member: Session;
    beforeAll(async () => {
      member = await registerUser(app);
    });
    it.each([
      ['POST', `/api/v1/playbooks/${UNKNOWN}/approve`, { approved: true }],
      ['POST', '/api/v1/agents/detector/configure', { threshold: 0.9 }],
      ['POST', '/api/v1/rules', { yaml: 'title: x' }],
      ['DELETE', '/api/v1/rules/x', undefined],
      ['DELETE', '/api/v1/blocklist/198.51.100.1', undefined],
      ['PUT', '/api/v1/threats/settings', { alert_webhooks: [] }],
    ] as const)('a non-admin gets 403 on %s %s', async (method, url, payload) => {
      const res = await app.app.inject({ method, url, payload: payload as any, headers: member.headers });
      expect(res.statusCode).toBe(403);
      expect(json(res).error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });
    it('a non-admin may not approve a real playbook, and it stays pending', async () => {
      const threat = await bruteForce(app, member, '203.0.113.80');
      const playbook = await playbookOf(app, member, threat.threat_id);
      const res = await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbook.id}/approve`, headers: member.headers, payload: { approved: true } });
      expect(res.statusCode).toBe(403);
      const after = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: member.headers })).data;
      expect(after.status).toBe('pending_approval');
    });
  });

  describe('foreign organizations', () => {
    let owner: Session;
    let stranger: Session;
    let threatId: string;
    let playbookId: string;
    let simulationId: string;
    beforeAll(async () => {
      owner = await registerUser(app, { organization: 'Owner org' });
      stranger = await registerUser(app, { organization: 'Stranger org' }); // admin of its own organization
      const threat = await bruteForce(app, owner, '203.0.113.81');
      threatId = threat.threat_id;
      playbookId = (await playbookOf(app, owner, threatId)).id;
      const sim = await app.app.inject({ method: 'POST', url: '/api/v1/simulate-attack', headers: owner.headers, payload: { attack_type: 'sql_injection', intensity: 'low' } });
      simulationId = json(sim).data.simulation_id;
    });

    const pairs = () =>
      [
        ['GET', `/api/v1/threats/${threatId}`, `/api/v1/threats/${UNKNOWN}`, undefined],
        ['PATCH', `/api/v1/threats/${threatId}`, `/api/v1/threats/${UNKNOWN}`, { status: 'false_positive' }],
        ['POST', `/api/v1/threats/${threatId}/status`, `/api/v1/threats/${UNKNOWN}/status`, { status: 'false_positive' }],
        ['GET', `/api/v1/playbooks/${playbookId}`, `/api/v1/playbooks/${UNKNOWN}`, undefined],
        ['POST', `/api/v1/playbooks/${playbookId}/approve`, `/api/v1/playbooks/${UNKNOWN}/approve`, { approved: true }],
        ['GET', `/api/v1/simulations/${simulationId}`, `/api/v1/simulations/${UNKNOWN}`, undefined],
      ] as const;

    it('another organization\'s ids answer exactly like unknown ids', async () => {
      for (const [method, foreign, unknown, payload] of pairs()) {
        const a = await app.app.inject({ method, url: foreign, payload: payload as any, headers: stranger.headers });
        const b = await app.app.inject({ method, url: unknown, payload: payload as any, headers: stranger.headers });
        expect(a.statusCode, `${method} ${foreign}`).toBe(404);
        expect(json(a).error.code).toBe(json(b).error.code);
        expect(json(a).error.message.replace(threatId, 'ID').replace(playbookId, 'ID').replace(simulationId, 'ID')).toBe(
          json(b).error.message.replace(UNKNOWN, 'ID'),
        );
      }
      const stillOwned = json(await app.app.inject({ method: 'GET', url: `/api/v1/threats/${threatId}`, headers: owner.headers })).data;
      expect(stillOwned.status).toBe('detected');
    });

    it('lists, analytics, blocklists and rules never show another organization\'s data', async () => {
      const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/threats?include_simulated=true', headers: stranger.headers })).data;
      expect(list.pagination.total).toBe(0);
      const playbooks = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks?threat_id=${threatId}`, headers: stranger.headers })).data;
      expect(playbooks.playbooks).toHaveLength(0);
      const dashboard = json(await app.app.inject({ method: 'GET', url: '/api/v1/analytics/dashboard?include_simulated=true', headers: stranger.headers })).data;
      expect(dashboard.this_week.threats_detected).toBe(0);
      const agents = json(await app.app.inject({ method: 'GET', url: '/api/v1/agents/status', headers: stranger.headers })).data.agents;
      expect(agents.every((a: any) => a.processed_today === 0)).toBe(true);
    });
  });
});
