import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { bruteForce, playbookOf } from './threats.test-helpers';

let app: TestApp;
let admin: Session;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  user = await registerUser(app);
});
afterAll(async () => app?.teardown());

const approve = (id: string, approved: boolean, session: Session = admin) =>
  app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${id}/approve`, headers: session.headers, payload: { approved, comment: 'checked' } });

describe('approving a brute-force playbook', () => {
  it('really quarantines the IP: it gets 403 IP_BLOCKED and appears in the blocklist exports', async () => {
    const ip = '203.0.113.9';
    const before = await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: user.headers, remoteAddress: ip });
    expect(before.statusCode).toBe(200);

    const threat = await bruteForce(app, user, ip);
    const playbook = await playbookOf(app, user, threat.threat_id);
    const res = await approve(playbook.id, true);
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).data).toMatchObject({ playbook_id: playbook.id, approved_by: 'admin@vigil.test', approval_status: 'approved' });
    expect(['completed', 'completed_with_errors']).toContain(json(res).data.status);

    const blocked = await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: user.headers, remoteAddress: ip });
    expect(blocked.statusCode).toBe(403);
    expect(json(blocked).error.code).toBe('IP_BLOCKED');
    const anonymous = await app.app.inject({ method: 'GET', url: '/health', remoteAddress: ip });
    expect(anonymous.statusCode).toBe(403);

    const text = await app.app.inject({ method: 'GET', url: '/api/v1/blocklist?format=txt', headers: admin.headers });
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.body.split('\n')).toContain(ip);
    const accept = await app.app.inject({ method: 'GET', url: '/api/v1/blocklist', headers: { ...admin.headers, accept: 'text/plain' } });
    expect(accept.body.split('\n')).toContain(ip);
    const nginx = await app.app.inject({ method: 'GET', url: '/api/v1/blocklist?format=nginx', headers: admin.headers });
    expect(nginx.body.split('\n')).toContain(`deny ${ip};`);
    const asJson = json(await app.app.inject({ method: 'GET', url: '/api/v1/blocklist', headers: admin.headers })).data;
    expect(asJson.blocklist.find((e: any) => e.ip === ip)).toMatchObject({ threat_id: threat.threat_id, playbook_id: playbook.id });

    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: user.headers })).data;
    const quarantine = detail.steps.find((s: any) => s.action === 'QUARANTINE_IP');
    expect(quarantine).toMatchObject({ status: 'completed', actual_success: 1 });
    expect(quarantine.duration_ms).toBeGreaterThanOrEqual(0);
    const dump = detail.steps.find((s: any) => s.action === 'FORENSIC_DUMP');
    expect(dump.status).toBe('completed');
    expect(dump.result).toMatch(/^Logs collected: 5 entries/);
    const alert = detail.steps.find((s: any) => s.action === 'ALERT_ADMIN');
    expect(alert.status).toBe('failed');
    expect(alert.error).toMatch(/No alert destination/);
    const completed = detail.steps.filter((s: any) => s.status === 'completed').length;
    expect(detail.success_rate).toBeCloseTo(completed / detail.steps.length, 4);

    const threatDetail = json(await app.app.inject({ method: 'GET', url: `/api/v1/threats/${threat.threat_id}`, headers: user.headers })).data;
    expect(threatDetail.status).toBe('mitigated');
    expect(threatDetail.evidence[0]).toMatchObject({ line_count: 5 });
    expect(threatDetail.timeline.map((e: any) => e.event)).toEqual([
      'threat_detected',
      'threat_analyzed',
      'playbook_generated',
      'approval_received',
      'playbook_executing',
      'threat_mitigated',
    ]);
    expect(threatDetail.timeline[3].user).toBe('admin@vigil.test');
    expect(threatDetail.timeline[5].success_rate).toBe(detail.success_rate);

    const again = await approve(playbook.id, true);
    expect(again.statusCode).toBe(409);
    expect(json(again).error.code).toBe('CONFLICT');

    const released = await app.app.inject({ method: 'DELETE', url: `/api/v1/blocklist/${ip}`, headers: admin.headers });
    expect(released.statusCode, released.body).toBe(200);
    const after = await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: user.headers, remoteAddress: ip });
    expect(after.statusCode).toBe(200);
  });

  it('an IP quarantined by another organization is refused only for that organization', async () => {
    const other = await registerUser(app, { organization: 'Quarantine org' });
    const ip = '203.0.113.10';
    const threat = await bruteForce(app, other, ip);
    const playbook = await playbookOf(app, other, threat.threat_id);
    expect((await approve(playbook.id, true, other)).statusCode).toBe(200);
    const ownOrg = await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: other.headers, remoteAddress: ip });
    expect(ownOrg.statusCode).toBe(403);
    const defaultOrg = await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: user.headers, remoteAddress: ip });
    expect(defaultOrg.statusCode).toBe(200);
  });

  it('rejection cancels the playbook and nothing is executed', async () => {
    const threat = await bruteForce(app, user, '203.0.113.11');
    const playbook = await playbookOf(app, user, threat.threat_id);
    const res = await approve(playbook.id, false);
    expect(res.statusCode).toBe(200);
    expect(json(res).data).toMatchObject({ status: 'cancelled', approval_status: 'rejected' });
    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: user.headers })).data;
    expect(detail.steps.every((s: any) => s.status === 'pending')).toBe(true);
    const list = await app.app.inject({ method: 'GET', url: '/api/v1/blocklist?format=txt', headers: admin.headers });
    expect(list.body.split('\n')).not.toContain('203.0.113.11');
    const threatDetail = json(await app.app.inject({ method: 'GET', url: `/api/v1/threats/${threat.threat_id}`, headers: user.headers })).data;
    expect(threatDetail.status).toBe('detected');
    expect(threatDetail.timeline.map((e: any) => e.event)).toContain('approval_rejected');
    expect((await approve(playbook.id, true)).statusCode).toBe(409);
  });

  it('an alert webhook of the threat settings receives ALERT_ADMIN through the outbox on the first attempt', async () => {
    const org = await registerUser(app, { organization: 'Retry org' });
    const configured = await app.app.inject({ method: 'POST', url: '/api/v1/agents/executor/configure', headers: org.headers, payload: { retry_attempts: 2 } });
    expect(configured.statusCode, configured.body).toBe(200);
    // an alert webhook that the gateway must deliver; ALERT_ADMIN either queues it or fails with the gateway's reason
    const put = await app.app.inject({ method: 'PUT', url: '/api/v1/threats/settings', headers: org.headers, payload: { alert_webhooks: [{ url: 'http://127.0.0.1:9/hook', secret: 'alert-signing-secret' }] } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.body).not.toContain('alert-signing-secret');
    const stored = await app.core.settings.get<{ alert_webhooks: { secret: string }[] }>(org.organizationId, 'threats.settings', { alert_webhooks: [] });
    expect(stored.alert_webhooks[0]!.secret).toMatch(/^enc:v1:/); // sealed at rest
    const threat = await bruteForce(app, org, '203.0.113.12');
    const playbook = await playbookOf(app, org, threat.threat_id);
    await approve(playbook.id, true, org);
    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: org.headers })).data;
    const alert = detail.steps.find((s: any) => s.action === 'ALERT_ADMIN');
    expect(alert).toMatchObject({ status: 'completed', attempts: 1 });
    expect(alert.result).toMatch(/queued for delivery to 1 alert webhook/);
  });
});

describe('ALERT_ADMIN', () => {
  it('succeeds through a webhook subscribed to threat.alert, which receives the alert from the outbox', async () => {
    const org = await registerUser(app, { organization: 'Alert subscriber org' });
    const hook = await app.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: org.headers,
      payload: { url: 'http://127.0.0.1:9/alerts', events: ['threat.alert'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const threat = await bruteForce(app, org, '203.0.113.17');
    const playbook = await playbookOf(app, org, threat.threat_id);
    expect((await approve(playbook.id, true, org)).statusCode).toBe(200);
    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: org.headers })).data;
    const alert = detail.steps.find((s: any) => s.action === 'ALERT_ADMIN');
    expect(alert).toMatchObject({ status: 'completed' });
    expect(alert.result).toMatch(/threat\.alert to 1 subscribed webhook/);
    const webhookId = json(hook).data.id;
    let deliveries: any[] = [];
    for (let i = 0; i < 50 && deliveries.length === 0; i++) {
      const res = await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${webhookId}/deliveries`, headers: org.headers });
      deliveries = (json(res).data.items ?? []).filter((d: any) => d.event === 'threat.alert');
      if (deliveries.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(deliveries).toHaveLength(1);
  });
});

describe('agents', () => {
  it('report measured counts per stage', async () => {
    const org = await registerUser(app, { organization: 'Agents org' });
    await bruteForce(app, org, '203.0.113.13');
    const agents = json(await app.app.inject({ method: 'GET', url: '/api/v1/agents/status', headers: org.headers })).data.agents;
    const byName = Object.fromEntries(agents.map((a: any) => [a.name, a]));
    expect(byName.detector.processed_today).toBe(5);
    expect(byName.analyzer.processed_today).toBe(1); // only the 5th line carried detections
    expect(byName.detector.success_rate).toBe(1);
    expect(byName.detector.avg_processing_time_ms).toBeGreaterThan(0);
    expect(byName.detector.config).toEqual({ threshold: 0.5, timeout: 5, retry_attempts: 0 });
  });

  it('detector threshold filters detections: above the confidence nothing is a threat', async () => {
    const org = await registerUser(app, { organization: 'Threshold org' });
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/agents/detector/configure', headers: org.headers, payload: { threshold: 1 } });
    expect(res.statusCode).toBe(200);
    expect(json(res).data.config.threshold).toBe(1);
    const fifth = await bruteForce(app, org, '203.0.113.14');
    expect(fifth.threat_detected).toBe(false);
    expect(fifth.explanation).toMatch(/below the detector threshold/);
    expect(json(await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: org.headers })).data.pagination.total).toBe(0);
  });
});

describe('DISABLE_USER', () => {
  it('locks the Vigil account named by the threat (a custom rule files the login as account_compromise)', async () => {
    const victim = await registerUser(app);
    const rule = `title: Login of an account reported compromised
id: 7d3c2b1a-1111-4a2b-9c3d-4e5f6a7b8c9d
logsource:
  product: linux
  service: auth
detection:
  keywords:
    - 'Accepted password for ${victim.username} '
  condition: keywords
level: high
threat_type: account_compromise
tags:
  - attack.t1078
`;
    const created = await app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: admin.headers, payload: { yaml: rule } });
    expect(created.statusCode, created.body).toBe(201);
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/detect',
      headers: admin.headers,
      payload: { log_entry: `Nov 23 10:00:00 bastion sshd[4242]: Accepted password for ${victim.username} from 203.0.113.15 port 50022 ssh2` },
    });
    const threat = json(res).data;
    expect(threat).toMatchObject({ threat_detected: true, threat_type: 'account_compromise' });
    const playbook = await playbookOf(app, admin, threat.threat_id);
    expect((await approve(playbook.id, true)).statusCode).toBe(200);
    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    const step = detail.steps.find((s: any) => s.action === 'DISABLE_USER');
    expect(step).toMatchObject({ status: 'completed', params: { user: victim.username } });
    const login = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: victim.username, password: 'password-123' } });
    expect(login.statusCode).toBeGreaterThanOrEqual(401);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: victim.headers })).statusCode).toBe(401);
  });

  it('fails honestly when the user is not a Vigil user of the organization', async () => {
    const rule = `title: Root login seen
id: 8e4d3c2b-2222-4b3c-8d4e-5f6a7b8c9d0e
logsource:
  product: linux
  service: auth
detection:
  keywords:
    - 'Accepted password for nobody-here '
  condition: keywords
level: high
threat_type: account_compromise
`;
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: admin.headers, payload: { yaml: rule } })).statusCode).toBe(201);
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/detect',
      headers: admin.headers,
      payload: { log_entry: 'Nov 23 10:00:00 bastion sshd[4243]: Accepted password for nobody-here from 203.0.113.16 port 50023 ssh2' },
    });
    const threat = json(res).data;
    const playbook = await playbookOf(app, admin, threat.threat_id);
    await approve(playbook.id, true);
    const detail = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    const step = detail.steps.find((s: any) => s.action === 'DISABLE_USER');
    expect(step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(step.error).toMatch(/'nobody-here' is not a Vigil user of this organization/);
  });
});
