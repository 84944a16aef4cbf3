import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSigmaRule, jsonEventView, loadRules, SigmaRuleError } from '.';
import type { CompiledRule } from '../types';

/** Builds a rule in SigmaHQ's layout around a detection block. */
function rule(detection: string, extra = ''): CompiledRule {
  return compileSigmaRule(`title: Test rule
id: 3f1b2c4d-0000-4000-8000-000000000001
status: test
logsource:
    category: webserver
${extra}detection:
${detection}
level: high
`);
}
const hit = (r: CompiledRule, event: object): boolean => r.matches(jsonEventView(event));

describe('Sigma field matching', () => {
  it('matches plain values exactly and case-insensitively, lists as OR', () => {
    const r = rule(`    selection:
        cs-method:
            - 'POST'
            - 'PUT'
    condition: selection`);
    expect(hit(r, { 'cs-method': 'post' })).toBe(true);
    expect(hit(r, { 'cs-method': 'PUT' })).toBe(true);
    expect(hit(r, { 'cs-method': 'GET' })).toBe(false);
    expect(hit(r, { 'cs-method': 'POSTX' })).toBe(false);
  });

  it('implements contains, startswith, endswith and contains|all', () => {
    const r = rule(`    selection:
        c-uri|contains: '/admin'
        c-useragent|startswith: 'curl/'
        cs-host|endswith: '.internal'
        cs-uri-query|contains|all:
            - 'a='
            - 'b='
    condition: selection`);
    const ok = { 'c-uri': '/x/ADMIN/y', 'c-useragent': 'curl/8.0', 'cs-host': 'db.internal', 'cs-uri-query': 'b=1&a=2' };
    expect(hit(r, ok)).toBe(true);
    expect(hit(r, { ...ok, 'cs-uri-query': 'a=1' })).toBe(false);
    expect(hit(r, { ...ok, 'c-useragent': 'x curl/8' })).toBe(false);
    expect(hit(r, { ...ok, 'cs-host': 'db.internal.com' })).toBe(false);
  });

  it('treats * and ? as wildcards and \\* as a literal star', () => {
    const r = rule(`    selection:
        c-uri: '/files/*.ph?'
    literal:
        c-uri|contains: 'a\\*b'
    condition: selection or literal`);
    expect(hit(r, { 'c-uri': '/files/x/y.php' })).toBe(true);
    expect(hit(r, { 'c-uri': '/files/x.phtml' })).toBe(false);
    expect(hit(r, { 'c-uri': '/q?a*b' })).toBe(true);
    expect(hit(r, { 'c-uri': '/q?axb' })).toBe(false);
  });

  it('supports re (case-sensitive unless |i), cidr, exists, gt/lte and null', () => {
    const r = rule(`    sel_re:
        c-uri|re: '^/api/v[0-9]+/'
    sel_re_i:
        c-useragent|re|i: 'python-requests'
    sel_cidr:
        c-ip|cidr:
            - '10.0.0.0/8'
            - '2001:db8::/32'
    sel_exists:
        cs-referer|exists: false
    sel_size:
        sc-bytes|gt: 1000
        sc-bytes|lte: 5000
    sel_null:
        cs-cookie: null
    condition: all of sel_*`);
    const ok = { 'c-uri': '/api/v2/x', 'c-useragent': 'Python-Requests/2', 'c-ip': '10.1.2.3', 'sc-bytes': 4096 };
    expect(hit(r, ok)).toBe(true);
    expect(hit(r, { ...ok, 'c-uri': '/API/v2/x' })).toBe(false);
    expect(hit(r, { ...ok, 'c-ip': '2001:db8:0:1::5' })).toBe(true);
    expect(hit(r, { ...ok, 'c-ip': '11.0.0.1' })).toBe(false);
    expect(hit(r, { ...ok, 'cs-referer': 'https://x' })).toBe(false);
    expect(hit(r, { ...ok, 'sc-bytes': 999 })).toBe(false);
    expect(hit(r, { ...ok, 'cs-cookie': 'sid=1' })).toBe(false);
  });

  it('encodes values for base64, base64offset and windash', () => {
    const encoded = Buffer.from('prefix Invoke-Mimikatz suffix').toString('base64');
    const r = rule(`    sel_b64:
        CommandLine|base64offset|contains: 'Invoke-Mimikatz'
    condition: sel_b64`);
    expect(hit(r, { CommandLine: `powershell -enc ${encoded}` })).toBe(true);
    for (const shift of ['', ' ', '  ']) {
      expect(hit(r, { CommandLine: Buffer.from(`${shift}Invoke-Mimikatz`).toString('base64') })).toBe(true);
    }
    expect(hit(r, { CommandLine: Buffer.from('Invoke-Other').toString('base64') })).toBe(false);
    const plain = rule(`    selection:
        Payload|base64: 'whoami'
    condition: selection`);
    expect(hit(plain, { Payload: Buffer.from('whoami').toString('base64') })).toBe(true);
    const dash = rule(`    selection:
        CommandLine|windash|contains: ' -exec '
    condition: selection`);
    expect(hit(dash, { CommandLine: 'tool /exec x' })).toBe(true);
    expect(hit(dash, { CommandLine: 'tool \u2013exec x' })).toBe(true);
  });

  it('searches keyword lists in the whole event and nested leaves by name', () => {
    const r = rule(`    keywords:
        - 'Corrupted MAC'
        - 'bad*signature'
    nested:
        Image|endswith: '/nc'
    condition: keywords or nested`);
    expect(hit(r, { message: 'sshd: Corrupted MAC on input' })).toBe(true);
    expect(hit(r, { message: 'a bad RSA signature' })).toBe(true);
    expect(hit(r, { EventData: { Image: '/usr/bin/nc' } })).toBe(true);
    expect(hit(r, { message: 'all good' })).toBe(false);
  });
});

describe('Sigma conditions', () => {
  const r = rule(`    selection_a:
        cs-method: GET
    selection_b:
        sc-status: 200
    filter_main_health:
        c-uri: '/health'
    filter_optional_static:
        c-uri|endswith: '.css'
    condition: (1 of selection_*) and not 1 of filter_*`);

  it('evaluates 1 of, not, parentheses and precedence', () => {
    expect(hit(r, { 'cs-method': 'GET', 'c-uri': '/x' })).toBe(true);
    expect(hit(r, { 'sc-status': 200, 'c-uri': '/x' })).toBe(true);
    expect(hit(r, { 'cs-method': 'GET', 'c-uri': '/health' })).toBe(false);
    expect(hit(r, { 'cs-method': 'POST', 'sc-status': 500 })).toBe(false);
  });

  it('evaluates all of them, and binds tighter than or, lists of maps as OR', () => {
    const all = rule(`    a:
        - cs-method: GET
        - cs-method: HEAD
    b:
        c-uri|startswith: '/x'
    condition: all of them`);
    expect(hit(all, { 'cs-method': 'HEAD', 'c-uri': '/x1' })).toBe(true);
    expect(hit(all, { 'cs-method': 'GET', 'c-uri': '/y' })).toBe(false);
    const prec = rule(`    a:
        f: 1
    b:
        g: 1
    c:
        h: 1
    condition: a or b and c`);
    expect(hit(prec, { f: 1 })).toBe(true);
    expect(hit(prec, { g: 1 })).toBe(false);
    expect(hit(prec, { g: 1, h: 1 })).toBe(true);
  });
});

describe('Sigma rule metadata and errors', () => {
  it('maps tags to ATT&CK ids, level to severity and logsource to parser formats', () => {
    const r = compileSigmaRule(`title: SSH brute force
id: 1b6c5d2e-0000-4000-8000-000000000002
tags:
    - attack.credential-access
    - attack.t1110.001
logsource:
    product: linux
    service: sshd
detection:
    keywords:
        - 'Failed password'
    condition: keywords
level: critical
`);
    expect(r.mitreAttack).toEqual(['T1110.001']);
    expect(r.severity).toBe('critical');
    expect(r.threatType).toBe('brute_force_attack');
    expect(r.formats).toContain('sshd');
    expect(r.logsource).toEqual({ product: 'linux', service: 'sshd' });
  });

  it.each([
    ['multi-document YAML', 'title: a\ndetection:\n  s: {a: 1}\n  condition: s\n---\ntitle: b\n', /multi-document/],
    ['unknown modifier', 'title: a\ndetection:\n  s:\n    f|sometimes: 1\n  condition: s\n', /unknown modifier \|sometimes/],
    ['unknown identifier', 'title: a\ndetection:\n  s: {a: 1}\n  condition: s and t\n', /unknown search identifier 't'/],
    ['missing title', 'detection:\n  s: {a: 1}\n  condition: s\n', /'title' is missing/],
    ['missing condition', 'title: a\ndetection:\n  s: {a: 1}\n', /condition' is missing/],
    ['aggregation', 'title: a\ndetection:\n  s: {a: 1}\n  condition: s | count() > 5\n', /aggregation/],
    ['bad regex', 'title: a\ndetection:\n  s:\n    f|re: "(unclosed"\n  condition: s\n', /invalid regular expression/],
    ['bad level', 'title: a\nlevel: severe\ndetection:\n  s: {a: 1}\n  condition: s\n', /'level' must be one of/],
    ['unbalanced parenthesis', 'title: a\ndetection:\n  s: {a: 1}\n  condition: (s\n', /missing closing parenthesis/],
    ['invalid YAML', 'title: [a\n', /invalid YAML/],
  ])('rejects %s with a clear message', (_name, yaml, message) => {
    expect(() => compileSigmaRule(yaml)).toThrow(SigmaRuleError);
    expect(() => compileSigmaRule(yaml)).toThrow(message);
  });
});

const SIGMAHQ = ['/work/shared/data/sigma/rules', new URL('../../../../../../shared/data/sigma/rules', import.meta.url).pathname].find((p) => existsSync(p));

describe.skipIf(!SIGMAHQ)('SigmaHQ reference rules (../shared/data/sigma, skipped when absent)', () => {
  it('loads every rule unchanged', () => {
    const { rules, failures } = loadRules([SIGMAHQ!]);
    expect(failures).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(255);
  });

  it('evaluates a real rule with keywords, a selection and a status filter', () => {
    const { rules } = loadRules([SIGMAHQ!]);
    const matching = (event: object): string[] => rules.filter((r) => r.matches(jsonEventView(event))).map((r) => r.id);
    const sqli = '5513deaf-f49a-46c2-a6c8-3f111b5cb453';
    expect(matching({ 'cs-method': 'GET', 'cs-uri-query': '/p?id=1 UNION SELECT 1,2', 'sc-status': 200 })).toContain(sqli);
    expect(matching({ 'cs-method': 'GET', 'cs-uri-query': '/p?id=1 UNION SELECT 1,2', 'sc-status': 404 })).not.toContain(sqli);
    expect(matching({ 'cs-method': 'GET', 'cs-uri-query': '/p?id=12', 'sc-status': 200 })).not.toContain(sqli);
  });
});
