import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';
import { detect } from './threats.test-helpers';

let app: TestApp;
let admin: Session;

const single = `title: Vault login failed (backtest)
id: 7d1c2b3a-0000-4000-8000-00000000b001
name: vault_login_failed_backtest
detection:
  selection:
    event: vault_login_failed
  condition: selection
level: high
`;
const collection = `${single.replace('level: high', 'level: low')}---
title: Vault brute force (backtest)
id: 7d1c2b3a-0000-4000-8000-00000000b002
correlation:
  type: event_count
  rules:
    - vault_login_failed_backtest
  group-by:
    - src_ip
  timespan: 5m
  condition:
    gte: 5
level: high
`;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  for (let i = 0; i < 6; i++) await detect(app, admin, JSON.stringify({ event: 'vault_login_failed', user: `u${i}`, ip: '198.51.100.80' }));
  await detect(app, admin, JSON.stringify({ event: 'vault_login_ok', user: 'ops', ip: '198.51.100.81' }));
});
afterAll(async () => app?.teardown());

const backtest = (payload: unknown, session = admin) => app.app.inject({ method: 'POST', url: '/api/v1/rules/backtest', headers: session.headers, payload: payload as object });
const counts = async () => ({
  threats: Number((await app.core.db.selectFrom('threats').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  lines: Number((await app.core.db.selectFrom('threat_log_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
});

describe('rule backtest', () => {
  it('evaluates a Sigma rule over the stored lines and answers the matches, with no side effect', async () => {
    const before = await counts();
    const res = await backtest({ yaml: single });
    expect(res.statusCode, res.body).toBe(200);
    const data = json(res).data;
    expect(data).toMatchObject({ rules: ['7d1c2b3a-0000-4000-8000-00000000b001'], lines_scanned: 7, match_count: 6, truncated: false });
    expect(data.matches[0]).toMatchObject({ rule_id: '7d1c2b3a-0000-4000-8000-00000000b001', severity: 'high' });
    expect(data.matches.every((m: any) => m.line.includes('vault_login_failed'))).toBe(true);
    expect(await counts()).toEqual(before);
    expect(json(await app.app.inject({ method: 'GET', url: '/api/v1/rules', headers: admin.headers })).data.rules?.some?.((r: any) => r.id === '7d1c2b3a-0000-4000-8000-00000000b001') ?? false).toBe(false);
  });

  it('evaluates correlation rules in line order: the 5th and 6th lines from one address match', async () => {
    const data = json(await backtest({ yaml: collection })).data;
    const correlated = data.matches.filter((m: any) => m.rule_id === '7d1c2b3a-0000-4000-8000-00000000b002');
    expect(correlated.length).toBeGreaterThanOrEqual(1);
    expect(correlated[0].line).toContain('u4');
  });

  it('takes a shipped rule by id and a time range', async () => {
    const rules = json(await app.app.inject({ method: 'GET', url: '/api/v1/rules', headers: admin.headers })).data;
    const list = (rules.rules ?? rules) as any[];
    const id = list[0].id;
    const res = await backtest({ rule_id: id, from: '2000-01-01T00:00:00Z', to: new Date(Date.now() + 60_000).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).data.rules).toContain(id);
    const empty = json(await backtest({ yaml: single, to: '2000-01-01T00:00:00Z' })).data;
    expect(empty).toMatchObject({ lines_scanned: 0, match_count: 0 });
  });

  it.each([
    [{}, 400],
    [{ yaml: single, rule_id: 'x' }, 400],
    [{ yaml: 'title: [unclosed' }, 400],
    [{ yaml: 'title: no detection\n' }, 400],
    [{ rule_id: 'no-such-rule' }, 404],
    [{ yaml: single, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 400],
    [{ yaml: single, limit: 0 }, 400],
    [{ yaml: single, colour: 'red' }, 400],
  ])('%j answers %i', async (payload, status) => {
    const res = await backtest(payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(json(res).success).toBe(false);
  });

  it("another organization's lines are never scanned", async () => {
    const stranger = await registerUser(app, { organization: 'Other' });
    const data = json(await backtest({ yaml: single }, stranger)).data;
    expect(data).toMatchObject({ lines_scanned: 0, match_count: 0 });
  });

  securitySuite(() => app, [{ method: 'POST', url: '/api/v1/rules/backtest', payload: { yaml: single } }]);
});
