import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../lib/clock';
import { createThreatPipeline } from '../pipeline';
import type { LogContext } from '../types';

const T0 = Date.parse('2024-01-15T10:30:00Z');
const sshFail = (user: string, ip: string): string => `Jan 15 10:30:00 web1 sshd[7]: Failed password for ${user} from ${ip} port 4000 ssh2`;
const types = (r: { detections: { threatType: string }[] }): string[] => r.detections.map((d) => d.threatType);

function setup() {
  const clock = new FakeClock(T0);
  const pipeline = createThreatPipeline({ clock });
  const ctx = (org = 'org-a'): LogContext => ({ organizationId: org, timestamp: clock.now() });
  return { clock, pipeline, ctx };
}

describe('brute force (event_count per source address)', () => {
  it('stays quiet for 4 failures and fires on the 5th within 5 minutes', () => {
    const { clock, pipeline, ctx } = setup();
    for (let i = 0; i < 4; i++) {
      expect(types(pipeline.analyze(sshFail('root', '203.0.113.9'), ctx()))).toEqual([]);
      clock.advance(30_000);
    }
    const fifth = pipeline.analyze(sshFail('root', '203.0.113.9'), ctx());
    expect(types(fifth)).toEqual(['brute_force_attack']);
    const d = fifth.detections[0];
    expect(d).toMatchObject({ severity: 'high', mitreAttack: expect.arrayContaining(['T1110.001']), sourceIp: '203.0.113.9', user: 'root' });
    expect(d.evidence).toHaveLength(5);
    expect(d.rules.map((r) => r.kind)).toEqual(expect.arrayContaining(['correlation', 'sigma']));
  });

  it('forgets failures older than the window and keeps organizations apart', () => {
    const { clock, pipeline, ctx } = setup();
    for (let i = 0; i < 4; i++) pipeline.analyze(sshFail('root', '203.0.113.9'), ctx());
    expect(types(pipeline.analyze(sshFail('root', '203.0.113.9'), ctx('org-b')))).toEqual([]);
    clock.advance(5 * 60_000 + 1);
    expect(types(pipeline.analyze(sshFail('root', '203.0.113.9'), ctx()))).toEqual([]);
  });

  it('honours configured thresholds', () => {
    const { pipeline, ctx } = setup();
    pipeline.setThresholds({ bruteForceCount: 3 });
    pipeline.analyze(sshFail('root', '198.51.100.1'), ctx());
    pipeline.analyze(sshFail('root', '198.51.100.1'), ctx());
    expect(types(pipeline.analyze(sshFail('root', '198.51.100.1'), ctx()))).toEqual(['brute_force_attack']);
  });

  it('counts the attempts reported in the API metadata', () => {
    const { pipeline } = setup();
    const r = pipeline.analyze('Failed login attempt from 192.168.1.100', { organizationId: 'o', timestamp: T0, source: 'auth_server', metadata: { user: 'admin', attempts: 5 } });
    expect(types(r)).toEqual(['brute_force_attack']);
    expect(r.detections[0]).toMatchObject({ sourceIp: '192.168.1.100', user: 'admin', target: 'auth_server' });
  });

  it('survives a restart through exportState / importState', () => {
    const first = setup();
    for (let i = 0; i < 4; i++) first.pipeline.analyze(sshFail('root', '203.0.113.9'), first.ctx());
    const saved = JSON.parse(JSON.stringify(first.pipeline.exportState()));
    const second = setup();
    second.pipeline.importState(saved);
    expect(types(second.pipeline.analyze(sshFail('root', '203.0.113.9'), second.ctx()))).toEqual(['brute_force_attack']);
    const fresh = setup();
    expect(types(fresh.pipeline.analyze(sshFail('root', '203.0.113.9'), fresh.ctx()))).toEqual([]);
  });
});

describe('password spraying, success after failures, scans', () => {
  it('reports one address failing for many users as password spraying', () => {
    const { clock, pipeline, ctx } = setup();
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const results = users.map((u) => {
      clock.advance(1000);
      return types(pipeline.analyze(sshFail(u, '203.0.113.50'), ctx()));
    });
    expect(results.slice(0, 4)).toEqual([[], [], [], []]);
    expect(results[4]).toEqual(['password_spraying']);
  });

  it('raises account_compromise when the brute-forcing address then logs in', () => {
    const { pipeline, ctx } = setup();
    for (let i = 0; i < 5; i++) pipeline.analyze(sshFail('root', '203.0.113.9'), ctx());
    const r = pipeline.analyze('Jan 15 10:31:00 web1 sshd[7]: Accepted password for root from 203.0.113.9 port 4000 ssh2', ctx());
    expect(types(r)).toContain('account_compromise');
    expect(r.detections.find((d) => d.threatType === 'account_compromise')?.severity).toBe('critical');
  });

  it('reports many distinct denied paths from one address as a path scan', () => {
    const { clock, pipeline, ctx } = setup();
    let last: string[] = [];
    for (let i = 0; i < 20; i++) {
      clock.advance(500);
      last = types(pipeline.analyze(`203.0.113.7 - - [15/Jan/2024:10:30:00 +0000] "GET /probe${i}.php HTTP/1.1" 404 0 "-" "Mozilla/5.0"`, ctx()));
      if (i < 19) expect(last).toEqual([]);
    }
    expect(last).toEqual(['path_scan']);
  });

  it('reports firewall blocks on many ports as a port scan', () => {
    const { pipeline, ctx } = setup();
    const hits = [22, 23, 25, 80, 110, 143, 443, 445, 3306, 3389].map((port) =>
      types(pipeline.analyze(`Jan 15 10:30:00 fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.66 DST=10.0.0.1 PROTO=TCP SPT=5555 DPT=${port}`, ctx())));
    expect(hits.slice(0, 9).flat()).toEqual([]);
    expect(hits[9]).toEqual(['port_scan']);
  });

  it('reports an impossible burst of lines from one address once per window', () => {
    const { clock, pipeline, ctx } = setup();
    const flood: string[][] = [];
    for (let i = 0; i < 250; i++) {
      clock.advance(10);
      flood.push(types(pipeline.analyze(`203.0.113.8 - - [15/Jan/2024:10:30:00 +0000] "GET /item/${i % 5} HTTP/1.1" 200 10 "-" "bot"`, ctx())));
    }
    expect(flood.filter((t) => t.includes('request_flood'))).toHaveLength(1);
    expect(flood[199]).toEqual(['request_flood']);
  });
});
