import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import { bruteForce, playbookOf } from './threats.test-helpers';

let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp({ config: { threatLogRetentionLines: 3 } });
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

it('stored log lines are capped: a forensic dump only finds the newest lines kept', async () => {
  const threat = await bruteForce(app, admin, '203.0.113.100');
  const playbook = await playbookOf(app, admin, threat.threat_id);
  await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbook.id}/approve`, headers: admin.headers, payload: { approved: true } });
  const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
  const dump = detail.steps.find((s: any) => s.action === 'FORENSIC_DUMP');
  expect(dump.status).toBe('completed');
  expect(dump.result).toMatch(/^Logs collected: 3 entries/);
});
