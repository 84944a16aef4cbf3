import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import { detect } from './threats.test-helpers';

let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

// A rule collection in the SigmaHQ correlation format: a base rule and an event_count correlation over it.
const collection = `title: Vault login failed (route test)
id: 7d1c2b3a-0000-4000-8000-00000000a001
name: vault_login_failed_route
detection:
  selection:
    event: vault_login_failed
  condition: selection
level: low
---
title: Vault brute force (route test)
id: 7d1c2b3a-0000-4000-8000-00000000a002
correlation:
  type: event_count
  rules:
    - vault_login_failed_route
  group-by:
    - src_ip
  timespan: 5m
  condition:
    gte: 5
level: high
tags:
  - attack.t1110.001
`;

const post = (yaml: string) =>
  app.app.inject({ method: 'POST', url: '/api/v1/rules', headers: { ...admin.headers, 'content-type': 'application/yaml' }, payload: yaml });

describe('Sigma correlation rules through the API', () => {
  it('adds a rule collection, then /detect turns the 5th matching line into a correlation threat', async () => {
    const created = await post(collection);
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).data).toMatchObject({ id: '7d1c2b3a-0000-4000-8000-00000000a002', custom: true, correlation: { type: 'event_count', timespan: '5m', condition: 'gte 5' } });

    const line = (user: string) => JSON.stringify({ event: 'vault_login_failed', user, ip: '198.51.100.77' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await detect(app, admin, line(`user${i}`)));
    expect(answers.slice(0, 4).every((a) => a.threat_detected === false)).toBe(true);
    const fifth = answers[4];
    expect(fifth.threat_detected).toBe(true);
    expect(fifth.threat_type).toBe('brute_force_attack');
    expect(fifth.mitre_attack).toContain('T1110.001');
    expect(fifth.rules.map((r: any) => r.id)).toContain('7d1c2b3a-0000-4000-8000-00000000a002');

    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/rules', headers: admin.headers })).data;
    expect(list.rules.filter((r: any) => r.custom).map((r: any) => r.id)).toEqual(
      expect.arrayContaining(['7d1c2b3a-0000-4000-8000-00000000a001', '7d1c2b3a-0000-4000-8000-00000000a002']),
    );

    // The base rule belongs to the collection: it goes with it.
    const partial = await app.app.inject({ method: 'DELETE', url: '/api/v1/rules/7d1c2b3a-0000-4000-8000-00000000a001', headers: admin.headers });
    expect(partial.statusCode).toBe(409);
    expect(json(partial).error.message).toMatch(/belongs to the rule collection 7d1c2b3a-0000-4000-8000-00000000a002/);
    const deleted = await app.app.inject({ method: 'DELETE', url: '/api/v1/rules/7d1c2b3a-0000-4000-8000-00000000a002', headers: admin.headers });
    expect(deleted.statusCode).toBe(200);
  });

  it('binds a correlation rule to a rule added earlier, and keeps that rule while the correlation uses it', async () => {
    const [base, correlation] = collection.replaceAll('a00', 'b00').replaceAll('_route', '_route2').split('---\n');
    expect((await post(base)).statusCode).toBe(201);
    const created = await post(correlation);
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).data.correlation.rules).toEqual(['7d1c2b3a-0000-4000-8000-00000000b001']);
    const blocked = await app.app.inject({ method: 'DELETE', url: '/api/v1/rules/7d1c2b3a-0000-4000-8000-00000000b001', headers: admin.headers });
    expect(blocked.statusCode).toBe(409);
    expect(json(blocked).error.message).toMatch(/used by the correlation rule 7d1c2b3a-0000-4000-8000-00000000b002/);
    for (const id of ['b002', 'b001']) {
      expect((await app.app.inject({ method: 'DELETE', url: `/api/v1/rules/7d1c2b3a-0000-4000-8000-00000000${id}`, headers: admin.headers })).statusCode).toBe(200);
    }
  });

  it('answers 400 naming the problem for broken correlation rules', async () => {
    const cases: [string, RegExp][] = [
      [collection.replace('    - vault_login_failed_route', '    - no_such_rule'), /unknown rule 'no_such_rule'/],
      [collection.replace('timespan: 5m', 'timespan: soon'), /timespan 'soon' is not valid/],
      [collection.replace('type: event_count', 'type: value_sum'), /correlation type 'value_sum' is not supported/],
      [collection.replace('  condition:\n    gte: 5', '  condition:\n    gte: 5\n    field: user'), /'condition.field' only applies to value_count/],
    ];
    for (const [yaml, message] of cases) {
      const res = await post(yaml);
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res).error.message).toMatch(message);
    }
  });
});
