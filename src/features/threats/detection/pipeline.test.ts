import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSigmaRule, createThreatPipeline, SigmaRuleError } from '.';

const ctx = { organizationId: 'org', timestamp: Date.parse('2024-01-15T10:30:00Z') };

describe('threat pipeline', () => {
  const pipeline = createThreatPipeline();

  it('loads the curated rules with ids, ATT&CK ids and parser formats', () => {
    const rules = pipeline.rules();
    expect(rules.length).toBeGreaterThanOrEqual(15);
    for (const r of rules) {
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.mitreAttack.length).toBeGreaterThan(0);
      expect(r.formats.length).toBeGreaterThan(0);
    }
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('reports SQL injection in an access log line with rule and grammar evidence', () => {
    const { parsed, detections } = pipeline.analyze('203.0.113.5 - - [15/Jan/2024:10:30:00 +0000] "GET /products?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--%20 HTTP/1.1" 200 512 "-" "Mozilla/5.0"', ctx);
    expect(parsed.format).toBe('nginx_access');
    expect(detections[0]).toMatchObject({ threatType: 'sql_injection', severity: 'high', sourceIp: '203.0.113.5', target: '/products' });
    expect(detections[0].rules.map((r) => r.kind).sort()).toEqual(['sigma', 'webattack']);
    expect(detections[0].confidence).toBeGreaterThan(0.9);
  });

  it('reports SQL injection in free text and nothing for benign lines', () => {
    expect(pipeline.analyze("GET /login?user=admin' OR '1'='1 HTTP/1.1", ctx).detections[0]?.threatType).toBe('sql_injection');
    for (const benign of [
      'User admin logged in successfully from 10.0.0.5',
      'Jan 15 10:30:00 web1 CRON[991]: (root) CMD (run-parts /etc/cron.hourly)',
      '198.51.100.1 - - [15/Jan/2024:10:30:00 +0000] "GET /shop/select-a-plan?name=O%27Brien&price=%2419.99 HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
      'Failed login attempt from 192.168.1.100',
    ]) {
      expect(pipeline.analyze(benign, { ...ctx, organizationId: 'benign' }).detections).toEqual([]);
    }
  });

  it('applies sudo rules to sudo lines only', () => {
    const r = pipeline.analyze('Jan 15 10:30:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash', ctx);
    expect(r.detections.map((d) => d.threatType)).toEqual(['privilege_escalation']);
    expect(r.detections[0].mitreAttack).toContain('T1548.003');
  });

  it('evaluates extra (admin-added) rules and respects minConfidence', () => {
    const extra = compileSigmaRule(`title: Backup host touched
id: 6a1f8f8e-1111-4222-8333-944455556666
logsource:
    product: linux
detection:
    keywords:
        - 'backup-vault'
    condition: keywords
level: high
tags:
    - attack.t1005
`);
    const line = 'Jan 15 10:30:00 web1 app[1]: opened backup-vault';
    expect(pipeline.analyze(line, ctx).detections).toEqual([]);
    expect(pipeline.analyze(line, ctx, [extra]).detections[0]).toMatchObject({ threatType: 'suspicious_activity', severity: 'high' });
    const strict = createThreatPipeline();
    strict.setThresholds({ minConfidence: 0.9 });
    expect(strict.analyze(line, ctx, [extra]).detections).toEqual([]);
  });

  it('refuses a rules folder with a broken rule, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    writeFileSync(join(dir, 'bad.yml'), 'title: x\ndetection:\n  s: {a: 1}\n  condition: s and missing\n');
    expect(() => createThreatPipeline({ rulesDir: dir })).toThrow(/bad\.yml.*unknown search identifier 'missing'/);
    expect(() => compileSigmaRule('title: x')).toThrow(SigmaRuleError);
  });
});
