import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { gatewayOf } from '../../app/features/gateway';
import { FakeClock } from '../../lib/clock';
import { bruteForce, playbookOf } from '../threats/threats.test-helpers';
import { findResource, waitForResult } from '../drift/testing/drift-test-helpers';

/** End to end on a fresh app: drift raises a threat, suppressions and the allowlist silence, the timeline links. */
let app: TestApp;
let admin: Session;
const clock = new FakeClock(Date.now());
const received: { event: string; data: any }[] = [];
let server: http.Server;
let receiverUrl = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  app = await createTestApp({ clock, config: { backgroundJobs: true } });
  admin = await loginAdmin(app);
});
afterAll(async () => {
  await app?.teardown();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, session = admin) => app.app.inject({ method, url, headers: session.headers, payload: payload as object });
const deliverAll = async () => {
  await gatewayOf(app).webhooks.settled();
  await gatewayOf(app).webhooks.processDueDeliveries();
};

describe('one picture across engines', () => {
  it('drift detect on the example workspace raises the security-group threat with its playbook, and the timeline shows both', async () => {
    const accepted = json(await inject('POST', '/api/v1/drift/detect', {})).data;
    const result = await waitForResult(app, admin.headers, accepted.result_id);
    const sg = result.drifts.find((d: any) => d.resource_address === 'aws_security_group.web' && d.field === 'ingress');
    expect(sg).toBeTruthy();

    const threats = json(await inject('GET', '/api/v1/threats?type=security_group_exposure')).data;
    const threat = threats.threats.find((t: any) => t.target === 'aws_security_group.web');
    expect(threat).toMatchObject({ severity: 'critical', status: 'detected', suppressed_by: null });
    expect(threat.mitre_attack).toContain('T1562.007');
    const detail = json(await inject('GET', `/api/v1/threats/${threat.id}`)).data;
    expect(JSON.stringify(detail)).toContain(accepted.result_id);
    expect(JSON.stringify(detail)).toContain('0.0.0.0/0');

    const playbook = await playbookOf(app, admin, threat.id);
    expect(playbook).toMatchObject({ template: 'security_group_exposure', status: 'pending_approval' });
    const approved = await inject('POST', `/api/v1/playbooks/${playbook.id}/approve`, { approved: true, comment: 'close it' });
    expect(approved.statusCode, approved.body).toBe(200);
    const steps = json(await inject('GET', `/api/v1/playbooks/${playbook.id}`)).data.steps;
    const plan = steps.find((s: any) => s.action === 'DRIFT_REMEDIATION_PLAN');
    expect(plan).toMatchObject({ status: 'completed' });
    expect(plan.result).toContain('terraform apply -target=aws_security_group.web');

    // a second scan finds the same open exposure: it joins the threat rather than raising another
    const again = json(await inject('POST', '/api/v1/drift/detect', {})).data;
    await waitForResult(app, admin.headers, again.result_id);
    const after = json(await inject('GET', '/api/v1/threats?type=security_group_exposure')).data.threats.filter((t: any) => t.target === 'aws_security_group.web');
    expect(after.length).toBeGreaterThanOrEqual(1);

    const resource = await findResource(app, admin.headers, sg.provider_id);
    const timeline = json(await inject('GET', `/api/v1/resources/${resource.id}/timeline`)).data;
    expect(timeline.resource.addresses).toContain('aws_security_group.web');
    const engines = timeline.entries.map((e: any) => `${e.engine}:${e.id}`);
    expect(engines).toContain(`drift:${accepted.result_id}`);
    expect(engines).toContain(`threat:${threat.id}`);
    const threatEntry = timeline.entries.find((e: any) => e.id === threat.id);
    expect(threatEntry.related_change).toMatchObject({ engine: 'drift', minutes_before: 0 });
    expect(threatEntry.related_change.summary).toContain('ingress changed');
    // the provider's id finds the same timeline
    expect(json(await inject('GET', `/api/v1/resources/${sg.provider_id}/timeline`)).data.resource.id).toBe(resource.id);
  });

  it('a suppression expiring in a few seconds silences a brute-force webhook; the next one after expiry is delivered', async () => {
    const hook = await inject('POST', '/api/v1/webhooks', { url: receiverUrl, events: ['threat.detected'] });
    expect(hook.statusCode, hook.body).toBe(201);
    const created = await inject('POST', '/api/v1/suppressions', {
      engine: 'threat', match: { threat_type: 'brute_force_attack', source_ip: '203.0.113.0/24' }, reason: 'red team exercise', expires_at: new Date(clock.now() + 5_000).toISOString(),
    });
    expect(created.statusCode, created.body).toBe(201);
    const suppressionId = json(created).data.id;
    received.length = 0;

    const silenced = await bruteForce(app, admin, '203.0.113.10');
    expect(silenced).toMatchObject({ threat_detected: true, threat_type: 'brute_force_attack', suppressed_by: suppressionId, playbook_pending: false });
    await deliverAll();
    expect(received.filter((r) => r.event === 'threat.detected' && r.data.threat_id === silenced.threat_id)).toHaveLength(0);
    const stored = await app.core.db.selectFrom('threats').select(['suppressed_by']).where('id', '=', silenced.threat_id).executeTakeFirstOrThrow();
    expect(stored.suppressed_by).toBe(suppressionId);
    expect(json(await inject('GET', `/api/v1/playbooks?threat_id=${silenced.threat_id}`)).data.playbooks).toHaveLength(0);

    clock.advance(6_000);
    const loud = await bruteForce(app, admin, '203.0.113.11');
    expect(loud.suppressed_by ?? null).toBeNull();
    await deliverAll();
    for (let attempt = 0; attempt < 500 && received.length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.filter((r) => r.event === 'threat.detected' && r.data.threat_id === loud.threat_id)).toHaveLength(1);
    // the outbox never held a delivery for the silenced threat
    const outbox = await app.core.db.selectFrom('webhook_deliveries').select('body').where('event', '=', 'threat.detected').execute();
    expect(outbox.filter((row) => row.body.includes(silenced.threat_id))).toHaveLength(0);
  });

  it('an allowlisted address is never quarantined and its detections are stored suppressed', async () => {
    const member = await registerUser(app);
    const ip = '198.51.100.23';
    const threat = await bruteForce(app, member, ip);
    const playbook = await playbookOf(app, admin, threat.threat_id);
    const entry = json(await inject('POST', '/api/v1/allowlist', { value: '198.51.100.0/24', reason: 'partner VPN' })).data;

    const approved = await inject('POST', `/api/v1/playbooks/${playbook.id}/approve`, { approved: true });
    expect(approved.statusCode, approved.body).toBe(200);
    const quarantine = json(await inject('GET', `/api/v1/playbooks/${playbook.id}`)).data.steps.find((s: any) => s.action === 'QUARANTINE_IP');
    expect(quarantine.status).toBe('skipped');
    expect(quarantine.result).toContain('allowlisted (198.51.100.0/24: partner VPN)');
    const blocked = await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers: member.headers, remoteAddress: ip });
    expect(blocked.statusCode).toBe(200);

    const later = await bruteForce(app, member, '198.51.100.99');
    expect(later.suppressed_by).toBe(`allowlist:${entry.id}`);
  });
});
