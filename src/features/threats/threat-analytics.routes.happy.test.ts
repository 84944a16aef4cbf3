import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';
import { benignLine, bruteForce, detect, playbookOf, sqliLine } from './threats.test-helpers';

let app: TestApp;
let org: Session;

beforeAll(async () => {
  app = await createTestApp();
  org = await registerUser(app, { organization: 'Analytics org' }); // the organization's admin
});
afterAll(async () => app?.teardown());

const get = async (url: string) => {
  const res = await app.app.inject({ method: 'GET', url, headers: org.headers });
  expect(res.statusCode, res.body).toBe(200);
  return json(res).data;
};

describe('simulation and analytics', () => {
  it('a simulation feeds generated lines through the pipeline; its threats are flagged and excluded by default', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/simulate-attack', headers: org.headers, payload: { attack_type: 'brute_force', target: 'auth_server', intensity: 'low' } });
    expect(res.statusCode, res.body).toBe(200);
    const sim = json(res).data;
    expect(sim).toMatchObject({ attack_type: 'brute_force', status: 'completed', lines_generated: 6 });
    expect(sim.threats_detected).toBeGreaterThanOrEqual(1);
    expect(sim.estimated_duration_s).toBeGreaterThan(0);
    expect(await get(`/api/v1/simulations/${sim.simulation_id}`)).toMatchObject({ simulation_id: sim.simulation_id, threats_detected: sim.threats_detected });

    expect((await get('/api/v1/threats')).pagination.total).toBe(0);
    const withSimulated = await get('/api/v1/threats?include_simulated=true');
    expect(withSimulated.threats.length).toBeGreaterThan(0);
    expect(withSimulated.threats.every((t: any) => t.simulated === true && t.type === 'brute_force_attack')).toBe(true);
    const detail = await get(`/api/v1/threats/${sim.threat_ids[0]}`);
    expect(detail.simulation_id).toBe(sim.simulation_id);
    expect(detail.raw_log).toMatch(/sshd\[\d+\]: Failed password for root from 198\.51\.100\.\d+ port \d+ ssh2$/);

    expect((await get('/api/v1/analytics/dashboard')).today.threats_detected).toBe(0);
    expect((await get('/api/v1/analytics/dashboard?include_simulated=true')).today.threats_detected).toBe(sim.threats_detected);
  });

  it.each(['sql_injection', 'xss', 'path_traversal', 'command_injection', 'port_scan', 'password_spraying', 'path_scan'])('simulating %s is detected', async (type) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/simulate-attack', headers: org.headers, payload: { attack_type: type, target: 'web01', intensity: 'medium' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).data.threats_detected).toBeGreaterThan(0);
  });

  it('dashboard and metrics are computed from stored threats', async () => {
    const threat = await bruteForce(app, org, '203.0.113.60');
    await detect(app, org, sqliLine('203.0.113.61'));
    await detect(app, org, benignLine);
    const playbook = await playbookOf(app, org, threat.threat_id);
    const approved = await app.app.inject({ method: 'POST', url: `/api/v1/playbooks/${playbook.id}/approve`, headers: org.headers, payload: { approved: true } });
    expect(approved.statusCode).toBe(200);

    const dashboard = await get('/api/v1/analytics/dashboard');
    expect(dashboard.today).toMatchObject({ threats_detected: 2, threats_mitigated: 1, false_positives: 0, total_impact_prevented_usd: threat.impact_usd });
    expect(dashboard.today.avg_response_time_s).toBeGreaterThanOrEqual(0);
    expect(dashboard.this_week).toMatchObject({ threats_detected: 2, threats_mitigated: 1, success_rate: 0.5 });
    expect(dashboard.top_threats).toEqual(expect.arrayContaining([{ type: 'brute_force_attack', count: 1 }, { type: 'sql_injection', count: 1 }]));

    const counts = await get('/api/v1/analytics/metrics?metric=threat_count&interval=hour');
    expect(counts.unit).toBe('count');
    expect(counts.data_points.reduce((sum: number, p: any) => sum + p.value, 0)).toBe(2);
    expect(counts.statistics.max).toBe(2);

    const response = await get('/api/v1/analytics/metrics?metric=response_time&interval=day');
    expect(response.statistics.count).toBe(1);
    expect(response.statistics.p50).toBe(response.statistics.min);

    const rate = await get('/api/v1/analytics/metrics?metric=detection_rate&interval=day');
    // 5 failed logins + 1 SQLi + 1 benign line analyzed (simulations excluded); 2 became threats
    expect(rate.data_points.at(-1).value).toBeCloseTo(2 / 7, 4);

    const impact = await get('/api/v1/analytics/metrics?metric=impact&interval=week');
    expect(impact.data_points.at(-1).value).toBe(threat.impact_usd + (await get('/api/v1/threats?type=sql_injection')).threats[0].impact_usd);

    await app.app.inject({ method: 'PATCH', url: `/api/v1/threats/${(await get('/api/v1/threats?status=detected')).threats[0].id}`, headers: org.headers, payload: { status: 'false_positive' } });
    const fp = await get('/api/v1/analytics/metrics?metric=false_positive_rate&interval=day');
    expect(fp.data_points.at(-1).value).toBe(0.5);
  });
});
