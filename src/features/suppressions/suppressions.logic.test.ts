import { describe, expect, it } from 'vitest';
import {
  admitsCritical, allowlistEntryFor, canonicalAllowlistValue, cidrTest, compileMatch, conditionsHold, cronProblem, firstSuppressing,
  parseDurationSeconds, suppresses, windowActive, type ActiveSuppression, type Finding,
} from './suppressions.logic';

const compiled = (raw: unknown) => {
  const { conditions, problems } = compileMatch(raw);
  expect(problems).toEqual([]);
  return conditions;
};

const threat: Finding = { engine: 'threat', severity: 'high', threat_type: 'brute_force_attack', source_ip: '10.1.2.3', rule_ids: ['ssh-fail-5'], source: 'auth.log' };

describe('match compilation', () => {
  it('names the field of every problem and refuses an empty match', () => {
    expect(compileMatch({}).problems).toEqual([{ field: 'match', message: expect.stringContaining('empty match') }]);
    expect(compileMatch({ colour: 'red' }).problems[0]!.field).toBe('match.colour');
    expect(compileMatch({ source_ip: { cidr: '10.0.0.0/33' } }).problems[0]!.field).toBe('match.source_ip');
    expect(compileMatch({ source: { cidr: '10.0.0.0/8' } }).problems[0]!.message).toContain('address fields');
    expect(compileMatch({ severity: 'urgent' }).problems[0]!.field).toBe('match.severity');
    expect(compileMatch({ source: [{ regex: 'x' }] }).problems[0]!.field).toBe('match.source.0');
    expect(compileMatch(null).problems[0]!.field).toBe('match');
  });

  it('accepts tag.<Key> fields and lists', () => {
    expect(compileMatch({ 'tag.Environment': ['dev', 'test-*'] }).problems).toEqual([]);
  });
});

describe('conditions', () => {
  it('equality is exact; a wildcard makes a glob', () => {
    expect(conditionsHold(compiled({ threat_type: 'brute_force_attack' }), threat)).toBe(true);
    expect(conditionsHold(compiled({ threat_type: 'brute_force' }), threat)).toBe(false);
    expect(conditionsHold(compiled({ threat_type: 'brute_*' }), threat)).toBe(true);
    expect(conditionsHold(compiled({ source: { equals: 'auth.*' } }), threat)).toBe(false);
  });

  it('every field must hold; a missing value never matches', () => {
    expect(conditionsHold(compiled({ threat_type: 'brute_force_attack', rule_id: 'other' }), threat)).toBe(false);
    expect(conditionsHold(compiled({ metric: '*' }), threat)).toBe(false);
    expect(conditionsHold(compiled({ rule_id: 'ssh-*' }), threat)).toBe(true);
  });

  it('address fields match CIDRs for IPv4, IPv6 and IPv4-mapped peers', () => {
    expect(conditionsHold(compiled({ source_ip: '10.0.0.0/8' }), threat)).toBe(true);
    expect(conditionsHold(compiled({ source_ip: '10.1.2.3' }), threat)).toBe(true);
    expect(conditionsHold(compiled({ source_ip: '192.168.0.0/16' }), threat)).toBe(false);
    expect(cidrTest('2001:db8::/32')!('2001:db8:0:1::5')).toBe(true);
    expect(cidrTest('2001:db8::/32')!('10.1.2.3')).toBe(false);
    expect(cidrTest('10.0.0.0/8')!('::ffff:10.9.9.9')).toBe(true);
    expect(cidrTest('10.0.0.0/8')!('not-an-ip')).toBe(false);
  });

  it('a drift field condition covers the attribute and everything below it', () => {
    const drift: Finding = { engine: 'drift', severity: 'low', drift_field: 'tags.Owner', resource_type: 'aws_instance', resource_name: ['web', 'i-0abc'] };
    expect(conditionsHold(compiled({ drift_field: 'tags' }), drift)).toBe(true);
    expect(conditionsHold(compiled({ drift_field: 'tags.Owner' }), drift)).toBe(true);
    expect(conditionsHold(compiled({ drift_field: 'tags.Own' }), drift)).toBe(false);
    expect(conditionsHold(compiled({ resource_name: 'i-0abc' }), drift)).toBe(true);
  });

  it('tags match by key', () => {
    const anomaly: Finding = { engine: 'anomaly', severity: 'medium', tags: { Environment: 'dev' } };
    expect(conditionsHold(compiled({ 'tag.Environment': 'dev' }), anomaly)).toBe(true);
    expect(conditionsHold(compiled({ 'tag.Team': 'dev' }), anomaly)).toBe(false);
  });
});

const suppression = (over: Partial<ActiveSuppression> & { match: unknown }): ActiveSuppression => ({
  id: 's1', engine: 'any', conditions: compiled(over.match), allowCritical: false, expiresAt: null, schedule: null, createdAt: 0, ...over,
});

describe('suppresses', () => {
  it('honours the engine, the expiry and the critical rule', () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    expect(suppresses(suppression({ match: { source_ip: '10.0.0.0/8' }, engine: 'threat' }), threat, now)).toBe(true);
    expect(suppresses(suppression({ match: { source_ip: '10.0.0.0/8' }, engine: 'anomaly' }), threat, now)).toBe(false);
    expect(suppresses(suppression({ match: { source_ip: '10.0.0.0/8' }, expiresAt: now }), threat, now)).toBe(false);
    expect(suppresses(suppression({ match: { source_ip: '10.0.0.0/8' }, expiresAt: now + 1 }), threat, now)).toBe(true);
    const critical = { ...threat, severity: 'critical' };
    expect(suppresses(suppression({ match: { source_ip: '10.0.0.0/8' } }), critical, now)).toBe(false);
    expect(suppresses(suppression({ match: { source_ip: '10.0.0.0/8' }, allowCritical: true }), critical, now)).toBe(true);
  });

  it('attributes a finding to the first suppression that holds', () => {
    const list = [suppression({ id: 'a', match: { source: 'other' } }), suppression({ id: 'b', match: { source: 'auth.log' } }), suppression({ id: 'c', match: { source: '*' } })];
    expect(firstSuppressing(list, threat, 0)).toBe('b');
  });

  it('knows whether a match admits critical findings', () => {
    expect(admitsCritical(compiled({ source: 'x' }))).toBe(true);
    expect(admitsCritical(compiled({ severity: ['low', 'medium'] }))).toBe(false);
    expect(admitsCritical(compiled({ severity: '*' }))).toBe(true);
  });
});

describe('maintenance windows', () => {
  it('is active from each cron occurrence for the duration, in the given time zone', () => {
    // Saturdays 02:00 in Paris (01:00 UTC in winter), two hours
    const schedule = { cron: '0 2 * * 6', durationMs: 2 * 3_600_000, tz: 'Europe/Paris' };
    expect(windowActive(schedule, Date.parse('2026-01-03T01:00:00Z'))).toBe(true);
    expect(windowActive(schedule, Date.parse('2026-01-03T02:59:59Z'))).toBe(true);
    expect(windowActive(schedule, Date.parse('2026-01-03T03:00:00Z'))).toBe(false);
    expect(windowActive(schedule, Date.parse('2026-01-03T00:59:59Z'))).toBe(false);
    expect(windowActive(schedule, Date.parse('2026-01-04T01:30:00Z'))).toBe(false);
  });

  it('reports unreadable cron expressions and durations', () => {
    expect(cronProblem('0 2 * * 6', 'UTC')).toBeNull();
    expect(cronProblem('61 2 * * 6', 'UTC')).not.toBeNull();
    expect(cronProblem('every day', 'UTC')).not.toBeNull();
    expect(parseDurationSeconds('2h')).toBe(7200);
    expect(parseDurationSeconds(90)).toBe(90);
    expect(parseDurationSeconds('soon')).toBeNull();
  });
});

describe('allowlist', () => {
  it('canonicalises values and ignores expired entries', () => {
    expect(canonicalAllowlistValue('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(canonicalAllowlistValue('203.0.113.7/32')).toBe('203.0.113.7');
    expect(canonicalAllowlistValue('2001:DB8::/32')).toBe('2001:db8::/32');
    expect(canonicalAllowlistValue('300.1.1.1')).toBeNull();
    const entries = [{ id: 'x', value: '10.0.0.0/8', expiresAt: 100, test: cidrTest('10.0.0.0/8')! }];
    expect(allowlistEntryFor(entries, '10.2.3.4', 99)?.id).toBe('x');
    expect(allowlistEntryFor(entries, '10.2.3.4', 100)).toBeNull();
    expect(allowlistEntryFor(entries, null, 0)).toBeNull();
  });
});

describe('CIDR arithmetic', () => {
  it('matches prefixes exactly at their boundaries, IPv4 and IPv6', () => {
    expect(cidrTest('10.0.0.0/8')!('10.255.255.255')).toBe(true);
    expect(cidrTest('10.0.0.0/8')!('11.0.0.0')).toBe(false);
    expect(cidrTest('192.168.1.128/25')!('192.168.1.127')).toBe(false);
    expect(cidrTest('192.168.1.128/25')!('192.168.1.200')).toBe(true);
    expect(cidrTest('0.0.0.0/0')!('8.8.8.8')).toBe(true);
    expect(cidrTest('203.0.113.7')!('203.0.113.7')).toBe(true);
    expect(cidrTest('203.0.113.7')!('203.0.113.8')).toBe(false);
    expect(cidrTest('2001:db8::/32')!('2001:db9::1')).toBe(false);
    expect(cidrTest('2001:db8:abcd::/48')!('2001:db8:abcd:ffff::1')).toBe(true);
    expect(cidrTest('2001:db8:abcd::/49')!('2001:db8:abcd:8000::1')).toBe(false);
    expect(cidrTest('::/0')!('fe80::1')).toBe(true);
    expect(cidrTest('::ffff:0:0/96')!('::ffff:0a00:0001')).toBe(true);
    expect(cidrTest('64:ff9b::/96')!('64:ff9b::192.0.2.33')).toBe(true);
    expect(cidrTest('2001:db8::1')!('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true);
  });
});
