import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createThreatPipeline, loadRules, SigmaRuleError, type ExtraRules, type ThreatPipeline } from '..';
import { compileSigmaCollection } from './correlation-rules';
import { EVIDENCE_LINES, MAX_GROUPS, MAX_WINDOW_EVENTS } from '../correlation/sigma-correlation';

// Our own examples, in the SigmaHQ correlation format (rule collections separated by ---).
const VAULT_FAILED = `title: Vault login failed
id: 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0001
name: vault_login_failed
status: experimental
detection:
  selection:
    event: vault_login_failed
  condition: selection
level: low
tags:
  - attack.t1110
`;

const BRUTE_FORCE = `${VAULT_FAILED}---
title: Vault brute force
id: 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0002
status: experimental
correlation:
  type: event_count
  rules:
    - vault_login_failed
  group-by:
    - src_ip
  timespan: 5m
  condition:
    gte: 5
level: high
tags:
  - attack.credential-access
  - attack.t1110.001
`;

const SPRAY = `${VAULT_FAILED}---
title: Vault password spraying
id: 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0003
correlation:
  type: value_count
  rules: [vault_login_failed]
  group-by: [src_ip]
  timespan: 10m
  condition:
    field: user
    gte: 4
level: high
tags: [attack.t1110.003]
`;

const TEMPORAL = `title: Vault token created
name: vault_token_created
id: 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0010
detection:
  selection: {event: vault_token_created}
  condition: selection
level: medium
---
title: Vault secrets exported
name: vault_secrets_exported
id: 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0011
detection:
  selection: {event: vault_export}
  condition: selection
level: medium
---
title: Token created then secrets exported
id: 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0012
threat_type: data_exfiltration
correlation:
  type: TYPE
  rules:
    - vault_token_created
    - vault_secrets_exported
  group-by: [user]
  timespan: 1h
level: critical
tags: [attack.t1552]
`;

const T0 = Date.parse('2026-11-23T10:00:00Z');
const line = (event: string, ip: string, user = 'alice') => JSON.stringify({ event, user, ip });
const ctx = (t: number, org = 'org-a') => ({ organizationId: org, timestamp: t });

function extra(pipeline: ThreatPipeline, yaml: string, context: ExtraRules = []): ExtraRules {
  const c = pipeline.compileCollection(yaml);
  return Object.assign([...c.rules, ...context], { correlations: [...(context.correlations ?? []), ...pipeline.bindCorrelations(c.correlations, c.rules, context)] });
}

const types = (r: { detections: { threatType: string }[] }) => r.detections.map((d) => d.threatType);

describe('Sigma correlation rules: event_count', () => {
  it('fires on the 5th failed login from one address within the timespan, as a high brute force', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, BRUTE_FORCE);
    const results = Array.from({ length: 6 }, (_, i) => pipeline.analyze(line('vault_login_failed', '198.51.100.7', `u${i}`), ctx(T0 + i * 20_000), rules));
    expect(results.slice(0, 4).every((r) => r.detections.length === 0)).toBe(true);
    const fifth = results[4].detections[0];
    expect(fifth).toMatchObject({ threatType: 'brute_force_attack', severity: 'high', confidence: 0.75, sourceIp: '198.51.100.7' });
    expect(fifth.mitreAttack).toEqual(['T1110.001']);
    expect(fifth.rules).toEqual([{ id: '0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0002', title: 'Vault brute force', kind: 'correlation' }]);
    expect(fifth.explanation).toMatch(/Sigma correlation "Vault brute force" \(event_count, level high\): 5 matching events .*"Vault login failed".* for src_ip=198\.51\.100\.7 within 5m \(condition: gte 5\)/);
    expect(fifth.evidence).toHaveLength(5);
    expect(types(results[5])).toEqual(['brute_force_attack']); // and on each later one while it holds
  });

  it('silences the base rule (generate: false is the default) and keeps it when generate: true', () => {
    const pipeline = createThreatPipeline();
    pipeline.setThresholds({ minConfidence: 0 });
    const silent = pipeline.analyze(line('vault_login_failed', '198.51.100.8'), ctx(T0), extra(pipeline, BRUTE_FORCE));
    expect(silent.detections).toEqual([]);
    expect(silent.belowConfidence).toEqual([]);
    const generating = extra(pipeline, BRUTE_FORCE.replace('  timespan: 5m', '  timespan: 5m\n  generate: true'));
    const loud = pipeline.analyze(line('vault_login_failed', '198.51.100.9'), ctx(T0), generating);
    expect(loud.detections.flatMap((d) => d.rules.map((r) => r.id))).toEqual(['0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0001']);
  });

  it('keeps groups apart: other addresses and other organizations do not add up', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, BRUTE_FORCE);
    for (let i = 0; i < 4; i++) pipeline.analyze(line('vault_login_failed', '198.51.100.10'), ctx(T0 + i), rules);
    for (let i = 0; i < 4; i++) pipeline.analyze(line('vault_login_failed', `198.51.100.${20 + i}`), ctx(T0 + i), rules);
    expect(types(pipeline.analyze(line('vault_login_failed', '198.51.100.10'), ctx(T0 + 10, 'org-b'), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_login_failed', '198.51.100.11'), ctx(T0 + 10), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_login_failed', '198.51.100.10'), ctx(T0 + 10), rules))).toEqual(['brute_force_attack']);
  });

  it('forgets events older than the timespan (event time, not wall clock)', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, BRUTE_FORCE);
    for (let i = 0; i < 4; i++) pipeline.analyze(line('vault_login_failed', '198.51.100.30'), ctx(T0 + i), rules);
    for (let i = 0; i < 4; i++) pipeline.analyze(line('vault_login_failed', '198.51.100.31'), ctx(T0 + i), rules);
    // 5 minutes and 1 second after the first four: they have left the window.
    expect(types(pipeline.analyze(line('vault_login_failed', '198.51.100.30'), ctx(T0 + 301_000), rules))).toEqual([]);
    // 4 min 59 s after them: still inside.
    expect(types(pipeline.analyze(line('vault_login_failed', '198.51.100.31'), ctx(T0 + 299_000), rules))).toEqual(['brute_force_attack']);
  });

  it('survives a restart through exportState/importState (JSON), and still loads version 1 state', () => {
    const first = createThreatPipeline();
    const rules = extra(first, BRUTE_FORCE);
    for (let i = 0; i < 4; i++) first.analyze(line('vault_login_failed', '198.51.100.40'), ctx(T0 + i), rules);
    const state = JSON.parse(JSON.stringify(first.exportState()));
    expect(state.version).toBe(2);
    const second = createThreatPipeline();
    second.importState(state);
    expect(types(second.analyze(line('vault_login_failed', '198.51.100.40'), ctx(T0 + 10), extra(second, BRUTE_FORCE)))).toEqual(['brute_force_attack']);

    const old = createThreatPipeline();
    old.importState({ version: 1, correlation: state.correlation });
    expect(types(old.analyze(line('vault_login_failed', '198.51.100.40'), ctx(T0 + 10), extra(old, BRUTE_FORCE)))).toEqual([]);
  });

  it('costs nothing on lines that match no base rule: no window is created', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, BRUTE_FORCE);
    for (let i = 0; i < 10; i++) pipeline.analyze(line('vault_login_ok', '198.51.100.50'), ctx(T0 + i), rules);
    expect((pipeline.exportState() as { sigmaCorrelation: { windows: unknown[] } }).sigmaCorrelation.windows).toEqual([]);
  });
});

describe('Sigma correlation rules: memory bounds', () => {
  it('caps the events of a window and the number of groups', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, BRUTE_FORCE.replace('timespan: 5m', 'timespan: 1d'));
    for (let i = 0; i < MAX_WINDOW_EVENTS + 200; i++) pipeline.analyze(line('vault_login_failed', '198.51.100.90'), ctx(T0 + i), rules);
    const last = pipeline.analyze(line('vault_login_failed', '198.51.100.90'), ctx(T0 + 5000), rules).detections[0];
    expect(last.explanation).toMatch(new RegExp(`: ${MAX_WINDOW_EVENTS} matching events`));
    expect(last.evidence.length).toBeLessThanOrEqual(EVIDENCE_LINES);
    for (let i = 0; i < MAX_GROUPS + 500; i++) pipeline.analyze(line('vault_login_failed', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`), ctx(T0 + 6000 + i), rules);
    const windows = (pipeline.exportState() as { sigmaCorrelation: { windows: unknown[] } }).sigmaCorrelation.windows;
    expect(windows.length).toBeLessThanOrEqual(MAX_GROUPS);
  });
});

describe('Sigma correlation rules: value_count', () => {
  it('fires when one address fails for 4 distinct users, not for repeats of one user', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, SPRAY);
    for (let i = 0; i < 6; i++) expect(types(pipeline.analyze(line('vault_login_failed', '203.0.113.5', 'bob'), ctx(T0 + i), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_login_failed', '203.0.113.5', 'carol'), ctx(T0 + 10), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_login_failed', '203.0.113.5', 'dave'), ctx(T0 + 11), rules))).toEqual([]);
    const fourth = pipeline.analyze(line('vault_login_failed', '203.0.113.5', 'erin'), ctx(T0 + 12), rules).detections[0];
    expect(fourth).toMatchObject({ threatType: 'password_spraying', severity: 'high', mitreAttack: ['T1110.003'] });
    expect(fourth.explanation).toMatch(/4 distinct values of user .* for src_ip=203\.0\.113\.5 within 10m \(condition: gte 4\)/);
    // Another address with other users is its own group.
    expect(types(pipeline.analyze(line('vault_login_failed', '203.0.113.6', 'frank'), ctx(T0 + 13), rules))).toEqual([]);
  });
});

describe('Sigma correlation rules: temporal', () => {
  it('fires when both rules match for the same user within the timespan, in either order', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, TEMPORAL.replace('TYPE', 'temporal'));
    expect(types(pipeline.analyze(line('vault_token_created', '192.0.2.1', 'alice'), ctx(T0), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_export', '192.0.2.1', 'bob'), ctx(T0 + 1000), rules))).toEqual([]); // other user
    const hit = pipeline.analyze(line('vault_export', '192.0.2.2', 'alice'), ctx(T0 + 2000), rules).detections;
    expect(hit.map((d) => [d.threatType, d.severity])).toEqual([['data_exfiltration', 'critical']]);
    expect(hit[0].explanation).toMatch(/2 of 2 rules matched .* for user=alice within 1h/);
    // Reverse order for another user.
    expect(types(pipeline.analyze(line('vault_export', '192.0.2.3', 'carol'), ctx(T0), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_token_created', '192.0.2.3', 'carol'), ctx(T0 + 60_000), rules))).toEqual(['data_exfiltration']);
    // Too far apart.
    expect(types(pipeline.analyze(line('vault_export', '192.0.2.4', 'dave'), ctx(T0), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_token_created', '192.0.2.4', 'dave'), ctx(T0 + 3_700_000), rules))).toEqual([]);
  });

  it('temporal_ordered fires only in the listed order', () => {
    const pipeline = createThreatPipeline();
    const rules = extra(pipeline, TEMPORAL.replace('TYPE', 'temporal_ordered'));
    expect(types(pipeline.analyze(line('vault_export', '192.0.2.5', 'erin'), ctx(T0), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_token_created', '192.0.2.5', 'erin'), ctx(T0 + 1000), rules))).toEqual([]);
    expect(types(pipeline.analyze(line('vault_export', '192.0.2.5', 'erin'), ctx(T0 + 2000), rules))).toEqual(['data_exfiltration']);
  });

  it('binds to base rules already known (shipped or stored) by id or name', () => {
    const pipeline = createThreatPipeline();
    const base = extra(pipeline, VAULT_FAILED);
    const onlyCorrelation = BRUTE_FORCE.slice(BRUTE_FORCE.indexOf('---') + 4).replace('    - vault_login_failed', '    - 0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0001');
    const rules = extra(pipeline, onlyCorrelation, base);
    expect(rules.correlations?.[0].ruleIds).toEqual(['0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0001']);
    const shipped = pipeline.rules().find((r) => r.title.includes('Failed Password'))!;
    const overShipped = onlyCorrelation.replace('0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0001', shipped.id);
    expect(extra(pipeline, overShipped).correlations?.[0].ruleTitles).toEqual([shipped.title]);
  });

  it('loads correlation rules from the rules folder, beside the shipped rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-corr-'));
    writeFileSync(join(dir, 'vault.yml'), BRUTE_FORCE);
    const loaded = loadRules([dir]);
    expect(loaded.failures).toEqual([]);
    expect(loaded.correlations.map((c) => c.type)).toEqual(['event_count']);
    const pipeline = createThreatPipeline({ rulesDir: dir });
    let last: string[] = [];
    for (let i = 0; i < 5; i++) last = types(pipeline.analyze(line('vault_login_failed', '198.51.100.60'), ctx(T0 + i)));
    expect(last).toEqual(['brute_force_attack']);
  });
});

describe('Sigma correlation rules: load errors', () => {
  const pipeline = createThreatPipeline();
  const body = (patch: string) => `${VAULT_FAILED}---
title: Broken correlation
correlation:
${patch}
`;
  it.each([
    ['unknown referenced rule', '  type: event_count\n  rules: [no_such_rule]\n  group-by: [src_ip]\n  timespan: 5m\n  condition: {gte: 5}', /unknown rule 'no_such_rule'/],
    ['bad timespan', '  type: event_count\n  rules: [vault_login_failed]\n  group-by: [src_ip]\n  timespan: 5 minutes\n  condition: {gte: 5}', /timespan '5 minutes' is not valid/],
    ['unsupported type', '  type: value_sum\n  rules: [vault_login_failed]\n  group-by: [src_ip]\n  timespan: 5m\n  condition: {gte: 5}', /correlation type 'value_sum' is not supported/],
    ['value_count without its field', '  type: value_count\n  rules: [vault_login_failed]\n  group-by: [src_ip]\n  timespan: 5m\n  condition: {gte: 5}', /value_count needs 'condition.field'/],
    ['malformed group-by', '  type: event_count\n  rules: [vault_login_failed]\n  group-by: [src_ip, {a: 1}]\n  timespan: 5m\n  condition: {gte: 5}', /'group-by' must be a list of field names/],
    ['missing condition', '  type: event_count\n  rules: [vault_login_failed]\n  timespan: 5m', /'condition' is missing/],
    ['unknown operator', '  type: event_count\n  rules: [vault_login_failed]\n  timespan: 5m\n  condition: {more: 5}', /unknown condition operator 'more'/],
    ['threshold beyond the window cap', '  type: event_count\n  rules: [vault_login_failed]\n  timespan: 5m\n  condition: {gte: 5000}', /more than the 1000 events/],
    ['temporal with one rule', '  type: temporal\n  rules: [vault_login_failed]\n  timespan: 5m', /temporal needs at least two rules/],
    ['aliases', '  type: temporal\n  rules: [vault_login_failed, vault_login_failed]\n  aliases: {ip: {}}\n  timespan: 5m', /'aliases' is not supported/],
  ])('%s', (_name, patch, message) => {
    const run = () => {
      const c = pipeline.compileCollection(body(patch));
      pipeline.bindCorrelations(c.correlations, c.rules);
    };
    expect(run).toThrow(SigmaRuleError);
    expect(run).toThrow(message);
  });

  it('names the document of a collection that fails, and rejects duplicate ids and chained correlations', () => {
    expect(() => compileSigmaCollection(`${VAULT_FAILED}---\ntitle: x\ndetection: {}\n`)).toThrow(/^document 2: /);
    expect(() => compileSigmaCollection(`${VAULT_FAILED}---\n${VAULT_FAILED}`)).toThrow(/occurs twice/);
    const chained = `${BRUTE_FORCE}---\ntitle: Chain\ncorrelation:\n  type: event_count\n  rules: [0b7e0a52-1d6f-4c0e-9a43-3f1c8b7a0002]\n  timespan: 1h\n  condition: {gte: 2}\n`;
    const c = pipeline.compileCollection(chained);
    expect(() => pipeline.bindCorrelations(c.correlations, c.rules)).toThrow(/chaining correlations is not supported/);
  });
});
