import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { benignLine, bruteForce, detect, failedLogin, playbookOf, sqliLine } from './threats.test-helpers';

let app: TestApp;
let admin: Session;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  user = await registerUser(app);
});
afterAll(async () => app?.teardown());

const get = (url: string, session: Session = user) => app.app.inject({ method: 'GET', url, headers: session.headers });

describe('POST /api/v1/detect', () => {
  it('turns the 5th failed login from one IP into a brute_force_attack (T1110.001), not the first four', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await detect(app, user, failedLogin('203.0.113.7')));
    expect(answers.slice(0, 4).every((a) => a.threat_detected === false && a.threat_id === null)).toBe(true);
    expect(answers[0].explanation).toMatch(/low-confidence evidence \(SSH Failed Password/);
    const fifth = answers[4];
    expect(fifth.threat_detected).toBe(true);
    expect(fifth.threat_type).toBe('brute_force_attack');
    expect(fifth.mitre_attack).toContain('T1110.001');
    expect(fifth.recommended_actions).toEqual(expect.arrayContaining(['quarantine_ip', 'alert_admin', 'forensic_analysis']));
    expect(fifth.confidence).toBeGreaterThan(0);
    expect(fifth.impact_usd).toBeGreaterThan(0);
    expect(typeof fifth.processing_time_ms).toBe('number');
    expect(fifth.rules.some((r: any) => r.kind === 'correlation')).toBe(true);

    const detail = json(await get(`/api/v1/threats/${fifth.threat_id}`)).data;
    expect(detail).toMatchObject({ id: fifth.threat_id, type: 'brute_force_attack', status: 'detected', source_ip: '203.0.113.7', simulated: false });
    expect(detail.iocs.ips).toContain('203.0.113.7');
    expect(detail.raw_log).toBe(failedLogin('203.0.113.7'));
    expect(detail.timeline.map((e: any) => e.event).slice(0, 2)).toEqual(['threat_detected', 'threat_analyzed']);
    expect(detail.timeline[0].agent).toBe('detector');
    expect(detail.timeline[1].agent).toBe('analyzer');
  });

  it('merges further lines of the same open attack into the same threat', async () => {
    const fifth = await bruteForce(app, user, '203.0.113.21');
    const sixth = await detect(app, user, failedLogin('203.0.113.21'));
    expect(sixth.threat_id).toBe(fifth.threat_id);
    const detail = json(await get(`/api/v1/threats/${fifth.threat_id}`)).data;
    expect(detail.occurrences).toBe(2);
  });

  it('detects SQL injection in a web access line', async () => {
    const result = await detect(app, user, sqliLine('203.0.113.30'), { source: 'nginx' });
    expect(result).toMatchObject({ threat_detected: true, threat_type: 'sql_injection' });
    expect(result.impact_usd).toBeGreaterThan(0);
    const detail = json(await get(`/api/v1/threats/${result.threat_id}`)).data;
    expect(detail.asset_class).toBe('web_server');
  });

  it('answers threat_detected:false for a benign line and stores no threat', async () => {
    const before = json(await get('/api/v1/threats?limit=100')).data.pagination.total;
    const result = await detect(app, user, benignLine);
    expect(result).toMatchObject({ threat_detected: false, threat_id: null, threat_type: null, severity: null });
    expect(json(await get('/api/v1/threats?limit=100')).data.pagination.total).toBe(before);
  });

  it('computes impact_usd from the cost model, and an organization override changes it', async () => {
    const org = await registerUser(app, { organization: 'Cost model org' });
    const first = await detect(app, org, sqliLine('203.0.113.31'), { source: 'nginx' });
    const model = json(await get('/api/v1/threats/settings', org)).data.effective_cost_model;
    const expected = Math.round(model.asset_base_loss_usd.web_server * model.threat_type_factor.sql_injection * model.severity_factor[first.severity]);
    expect(first.impact_usd).toBe(expected);
    const put = await app.app.inject({ method: 'PUT', url: '/api/v1/threats/settings', headers: org.headers, payload: { cost_model: { asset_base_loss_usd: { web_server: 1000 } } } });
    expect(put.statusCode, put.body).toBe(200);
    const second = await detect(app, org, sqliLine('203.0.113.32'), { source: 'nginx' });
    expect(second.impact_usd).toBe(Math.round(1000 * model.threat_type_factor.sql_injection * model.severity_factor[second.severity]));
  });
});

describe('GET /api/v1/threats', () => {
  it('lists with pagination and filters', async () => {
    await detect(app, user, sqliLine('203.0.113.33'));
    const page = json(await get('/api/v1/threats?page=1&limit=1')).data;
    expect(page.threats).toHaveLength(1);
    expect(page.pagination).toMatchObject({ page: 1, limit: 1 });
    expect(page.pagination.pages).toBe(page.pagination.total);
    const severity = page.threats[0].severity;
    const sameSeverity = json(await get(`/api/v1/threats?severity=${severity}&limit=100`)).data.threats;
    expect(sameSeverity.length).toBeGreaterThan(0);
    expect(sameSeverity.every((t: any) => t.severity === severity)).toBe(true);
    const sqli = json(await get('/api/v1/threats?type=sql_injection&limit=100')).data.threats;
    expect(sqli.length).toBeGreaterThan(0);
    expect(sqli.every((t: any) => t.type === 'sql_injection')).toBe(true);
    const future = json(await get(`/api/v1/threats?from_date=${new Date(Date.now() + 3_600_000).toISOString()}`)).data;
    expect(future.pagination.total).toBe(0);
  });

  it('records a status change (false positive) in the timeline and filters by status', async () => {
    const threat = await detect(app, user, sqliLine('203.0.113.34'));
    const res = await app.app.inject({
      method: 'PATCH',
      url: `/api/v1/threats/${threat.threat_id}`,
      headers: user.headers,
      payload: { status: 'false_positive', comment: 'pentest of our own team' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).data).toMatchObject({ status: 'false_positive', previous_status: 'detected' });
    const detail = json(await get(`/api/v1/threats/${threat.threat_id}`)).data;
    const audit = detail.timeline.find((e: any) => e.event === 'status_changed');
    expect(audit).toMatchObject({ from: 'detected', to: 'false_positive', comment: 'pentest of our own team', user: expect.stringContaining('@example.test') });
    const listed = json(await get('/api/v1/threats?status=false_positive&limit=100')).data.threats.map((t: any) => t.id);
    expect(listed).toContain(threat.threat_id);

    const again = await app.app.inject({ method: 'POST', url: `/api/v1/threats/${threat.threat_id}/status`, headers: user.headers, payload: { status: 'analyzing' } });
    expect(json(again).data.status).toBe('analyzing');
  });

  it('generates a playbook waiting for approval, with the template\'s steps', async () => {
    const threat = await bruteForce(app, user, '203.0.113.35');
    const playbook = await playbookOf(app, user, threat.threat_id);
    expect(playbook).toMatchObject({ threat_id: threat.threat_id, status: 'pending_approval', approval_status: 'pending', approved_by: null });
    const detail = json(await get(`/api/v1/playbooks/${playbook.id}`)).data;
    expect(detail.steps.map((s: any) => s.action)).toEqual(['QUARANTINE_IP', 'TIGHTEN_RATE_LIMIT', 'FORENSIC_DUMP', 'ALERT_ADMIN']);
    expect(detail.steps[0].params).toMatchObject({ ip: '203.0.113.35' });
    expect(detail.steps.map((s: any) => s.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
  });
});

describe('custom rules', () => {
  const rule = `title: Vigil test canary
id: 5f0c4a8e-0a8e-4c36-9a77-0c1d8e1f7a01
status: experimental
logsource:
  product: linux
  service: auth
detection:
  keywords:
    - 'vigil-canary-token'
  condition: keywords
level: high
tags:
  - attack.t1078
`;
  it('adds a Sigma rule (YAML body), uses it in detect, lists and deletes it', async () => {
    const created = await app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: { ...admin.headers, 'content-type': 'application/yaml' }, payload: rule });
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).data).toMatchObject({ id: '5f0c4a8e-0a8e-4c36-9a77-0c1d8e1f7a01', custom: true });

    const hit = await detect(app, admin, 'Nov 23 10:00:00 host sshd[1]: login attempt with vigil-canary-token from 203.0.113.40');
    expect(hit.threat_detected).toBe(true);
    expect(hit.rules.map((r: any) => r.id)).toContain('5f0c4a8e-0a8e-4c36-9a77-0c1d8e1f7a01');

    const list = json(await get('/api/v1/rules', admin)).data;
    expect(list.rules.filter((r: any) => r.custom).map((r: any) => r.id)).toContain('5f0c4a8e-0a8e-4c36-9a77-0c1d8e1f7a01');
    expect(list.shipped).toBeGreaterThan(0);

    const other = await registerUser(app, { organization: 'Rules other org' });
    const elsewhere = await detect(app, other, 'Nov 23 10:00:00 host sshd[1]: login attempt with vigil-canary-token from 203.0.113.41');
    expect(elsewhere.threat_detected).toBe(false);

    const deleted = await app.app.inject({ method: 'DELETE', url: '/api/v1/rules/5f0c4a8e-0a8e-4c36-9a77-0c1d8e1f7a01', headers: admin.headers });
    expect(deleted.statusCode).toBe(200);
    const after = await detect(app, admin, 'Nov 23 10:00:01 host sshd[1]: login attempt with vigil-canary-token from 203.0.113.42');
    expect(after.threat_detected).toBe(false);
  });
});

describe('log events ingested through the anomaly engine', () => {
  it('run through the same pipeline: five failed logins become a brute-force threat', async () => {
    const org = await registerUser(app, { organization: 'Ingest org' });
    const start = Date.now() - 60_000;
    const events = Array.from({ length: 5 }, (_, i) => ({
      type: 'log',
      source: 'bastion-sshd',
      level: 'warning',
      message: failedLogin('203.0.113.50'),
      timestamp: new Date(start + i * 1000).toISOString(),
    }));
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: org.headers, payload: { events } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    let threats: any[] = [];
    for (let attempt = 0; attempt < 200 && threats.length === 0; attempt++) {
      threats = json(await get('/api/v1/threats', org)).data.threats;
      if (threats.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(threats).toHaveLength(1);
    expect(threats[0]).toMatchObject({ type: 'brute_force_attack', source_ip: '203.0.113.50' });
    const detail = json(await get(`/api/v1/threats/${threats[0].id}`, org)).data;
    expect(detail.source).toBe('bastion-sshd');
    expect(detail.asset_class).toBe('auth_server');
  });
});

