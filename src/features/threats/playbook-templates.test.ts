import { describe, expect, it } from 'vitest';
import { loadPlaybookTemplates, parseDurationMs, recommendedActions, renderSteps, templateFor } from './playbook-templates';

const templates = loadPlaybookTemplates();
const vars = { threat_id: 't1', threat_type: 'brute_force_attack', severity: 'high', source_ip: '203.0.113.7', user: null, target: null, source: null };

describe('playbook templates', () => {
  it('every shipped template loads and the default answers unknown types', () => {
    expect(templates.has('brute_force_attack')).toBe(true);
    expect(templateFor(templates, 'never_heard_of').key).toBe('default');
  });

  it('fills placeholders from the threat; an only-placeholder of an empty variable becomes null', () => {
    const steps = renderSteps(templateFor(templates, 'brute_force_attack'), vars);
    expect(steps[0]).toMatchObject({ order: 1, action: 'QUARANTINE_IP', params: { ip: '203.0.113.7' } });
    const dump = steps.find((s) => s.action === 'FORENSIC_DUMP')!;
    expect(dump.params.user).toBeNull();
  });

  it('leaves out steps that cannot act (no IP to quarantine, no user to disable)', () => {
    const steps = renderSteps(templateFor(templates, 'brute_force_attack'), { ...vars, source_ip: null });
    expect(steps.map((s) => s.action)).toEqual(['FORENSIC_DUMP', 'ALERT_ADMIN']);
    expect(steps.map((s) => s.order)).toEqual([1, 2]);
    expect(renderSteps(templateFor(templates, 'account_compromise'), vars).map((s) => s.action)).not.toContain('DISABLE_USER');
  });

  it('recommended actions come from the template steps', () => {
    expect(recommendedActions(templateFor(templates, 'brute_force_attack'), vars)).toEqual(['quarantine_ip', 'tighten_rate_limit', 'forensic_analysis', 'alert_admin']);
  });

  it('parses durations', () => {
    expect(parseDurationMs('24h', 0)).toBe(86_400_000);
    expect(parseDurationMs('30m', 0)).toBe(1_800_000);
    expect(parseDurationMs(90, 0)).toBe(90_000);
    expect(parseDurationMs('soon', 5)).toBe(5);
  });
});
