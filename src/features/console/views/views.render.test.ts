import { describe, expect, it } from 'vitest';
import { escapeHtml, html, queryString } from '../html';
import type { ConsoleSession } from '../sessions.service';
import { accessPage } from './access';
import { approvalsPage } from './approvals';
import { seriesChart, usageChart } from './chart';
import { anomalyPage, driftPage, threatPage } from './finding';
import { inboxPage, inboxRows } from './inbox';
import { errorPage, type PageContext } from './layout';
import { loginPage } from './login';
import { infrastructurePage, rulesPage, sourcesPage, summarizeSources } from './screens';

const HOSTILE = `<script>alert(1)</script>" onmouseover=alert(2) '`;
const session = (role: 'admin' | 'member'): ConsoleSession => ({ id: 's', csrfToken: 'csrf-123', user: { id: 'u', organizationId: 'o', role, username: 'ana', email: 'ana@x.test' } });
const ctx = (role: 'admin' | 'member' = 'admin'): PageContext => ({ session: session(role), assets: { css: '/console/assets/console.abc.css', js: '/console/assets/console.abc.js' } });
const now = new Date('2026-12-01T10:00:00Z').toISOString();

/** No element or attribute built from the hostile text: it only ever appears escaped. */
function expectInert(markup: string) {
  expect(markup).not.toContain('<script>alert(1)');
  expect(markup).not.toMatch(/" onmouseover=/);
  expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=alert(2) &#39;');
}

describe('html templates escape by default', () => {
  it('escapes interpolations, keeps nested templates, drops null/false', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(String(html`<p>${HOSTILE}</p>${html`<b>ok</b>`}${null}${false}${[1, html`<i>2</i>`]}`)).toBe(
      `<p>${escapeHtml(HOSTILE)}</p><b>ok</b>1<i>2</i>`,
    );
    expect(queryString({ a: 'x y', b: undefined, c: '' })).toBe('?a=x+y');
  });
});

describe('each screen renders user-supplied text inertly', () => {
  it('login: the typed login and the error are text', () => {
    const page = String(loginPage({ session: null, assets: ctx().assets }, { csrf: 't', login: HOSTILE, error: 'Wrong username or password.' }));
    expect(page).toContain('<label for="login">Username or email</label>');
    expect(page).toContain('role="alert"');
    expectInert(page);
  });

  it('inbox: rows, filters, pager and the empty state', () => {
    const items = [{ engine: 'threat' as const, id: 't1', title: HOSTILE, severity: 'high', status: 'detected', detected_at: now, resource_id: null, suppressed_by: null }];
    const page = String(inboxPage(ctx(), { items, total: 41, page: 1, size: 20 }, { page: 1, size: 20, engine: 'threat' }));
    expectInert(page);
    expect(page).toContain('<option value="threat" selected>');
    expect(page).toContain('Page 1 of 3');
    expect(page).toContain('href="/?engine=threat&amp;page=2"');
    expect(page).toContain('aria-current="page"');
    expect(String(inboxRows({ items: [], total: 0, page: 1, size: 20 }))).toContain('Nothing found yet');
  });

  it('anomaly detail: chart with band and point, explanation, triage buttons with the CSRF token', () => {
    const a = { id: 'a1', metric: HOSTILE, source: 'web-1', explanation: HOSTILE, severity: 'critical', status: 'open', value: 1000, expected: 100, score: 1, detector: 'robust_zscore', detected_at: now };
    const series = Array.from({ length: 10 }, (_, i) => ({ t: Date.parse(now) - (10 - i) * 60_000, v: 100 + (i % 2) }));
    const page = String(anomalyPage(ctx(), a, [...series, { t: Date.parse(now), v: 1000 }]));
    expectInert(page);
    expect(page).toContain('class="band"');
    expect(page).toContain('class="point"');
    expect(page).toContain('action="/console/anomalies/a1/acknowledge"');
    expect(page).toContain('name="_csrf" value="csrf-123"');
    expect(String(seriesChart({ points: [], marked: null, expected: null, label: 'x' }))).toContain('Not enough stored points');
    const usage = String(usageChart([{ timestamp: now, requests: 10, errors: 2 }, { timestamp: now, requests: 4, errors: 0 }], HOSTILE));
    expect(usage.match(/<rect class="bar"/g)).toHaveLength(4);
    expect(usage).not.toContain('<script>alert(1)');
    expect(String(usageChart([], 'x'))).toContain('No request recorded');
  });

  it('threat detail: MITRE links, IOCs, log lines and timeline', () => {
    const t = { threat_type: 'brute_force_attack', source_ip: '203.0.113.9', explanation: 'x', severity: 'high', status: 'detected', confidence: 0.85, impact_usd: 1000, mitre_attack: ['T1110.001'], iocs: { ips: ['203.0.113.9'] }, raw_log: HOSTILE, detections: [{ evidence: [HOSTILE] }], timeline: [{ timestamp: now, event: 'threat_detected', agent: 'detector' }], playbooks: [], detected_at: now };
    const page = String(threatPage(ctx(), t));
    expectInert(page);
    expect(page).toContain('href="https://attack.mitre.org/techniques/T1110/001/"');
    expect(page.match(/class="log-line"/g)).toHaveLength(1);
  });

  it('drift detail: expected against actual per field', () => {
    const page = String(driftPage(ctx(), { scope: 'all', status: 'completed', resources_checked: 3, created_at: now, drifts: [{ severity: 'medium', kind: 'changed', field: 'tags.Environment', expected: 'production', actual: HOSTILE, resource_address: 'aws_instance.web', resource_type: 'aws_instance' }], remediation: [] }));
    expectInert(page);
    expect(page).toContain('tags.Environment');
  });

  it('approvals: buttons for an admin only', () => {
    const playbook = { id: 'p1', threat_id: 't1', template: 'brute_force_attack', estimated_success: 0.9, created_at: now, steps: [{ action: 'QUARANTINE_IP', status: 'pending', params: { reason: HOSTILE } }] };
    const asAdmin = String(approvalsPage(ctx('admin'), [playbook], []));
    const asMember = String(approvalsPage(ctx('member'), [playbook], []));
    expectInert(asAdmin);
    expect(asAdmin).toContain('value="approve"');
    expect(asMember).not.toContain('value="approve"');
    expect(asMember).toContain('only an administrator approves');
  });

  it('access: the new key once, webhook URLs and key names as text, errors next to the field', () => {
    const page = String(accessPage(ctx(), { keys: [{ id: 'k', name: HOSTILE, prefix: 'sk_live_ab', permissions: ['read'], last_used_at: null, revoked_at: null }], webhooks: [{ id: 'w', url: `https://x.test/${HOSTILE}`, events: ['threat.detected'] }], deliveries: {}, rateLimits: null, createdKey: { name: 'ci', key: 'sk_live_secret' }, keyError: 'name: Too small' }));
    expectInert(page);
    expect(page).toContain('id="new-key">sk_live_secret<');
    expect(page).toContain('aria-describedby="key-error"');
  });

  it('infrastructure, rules, sources and error pages', () => {
    expectInert(String(infrastructurePage(ctx(), { summary: null, resources: [{ id: 'r', name: HOSTILE, type: 'aws_instance', region: 'eu' }], states: [{ path: HOSTILE, resource_count: 1, serial: 1, locked: true, last_modified: now }], driftByResource: { r: 'high' } })));
    expectInert(String(rulesPage(ctx(), [{ title: HOSTILE, level: 'high', tags: [], logsource: {} }], [{ name: HOSTILE, severity: 'low', channels: [], enabled: true }])));
    const sources = summarizeSources([{ type: 'metric', source: HOSTILE, name: 'cpu', timestamp: now }, { type: 'metric', source: HOSTILE, name: 'cpu', timestamp: new Date(Date.parse(now) - 120_000).toISOString() }]);
    expect(sources[0]).toMatchObject({ count: 2, perMinute: 1 });
    expectInert(String(sourcesPage(ctx(), sources, 'http://localhost:8080')));
    expectInert(String(errorPage(ctx(), 404, HOSTILE)));
  });
});
