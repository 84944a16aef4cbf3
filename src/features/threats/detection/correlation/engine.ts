/**
 * The built-in correlations, each a Sigma correlation type over a WindowStore:
 *   brute_force_attack  event_count(failed auth) >= bruteForceCount within bruteForceWindowMs, group-by src_ip
 *                       (or user when no address is known)                                  T1110.001
 *   password_spraying   value_count(user) over failed auth >= sprayUsers, group-by src_ip   T1110.003
 *   account_compromise  temporal: a successful login from an address that just brute-forced  T1110 + T1078
 *   path_scan           value_count(path) over 401/403/404 answers >= scanPaths in 60 s     T1595.003
 *   port_scan           value_count(dst_port) over firewall events >= portScanPorts in 60 s  T1046
 *   request_flood       event_count(any line) >= burstCount in burstWindowMs, group-by src_ip T1498 / T1499
 */
import type { Detection, LogContext, ParsedLog, Thresholds } from '../types';
import { BurstCounter } from './burst';
import { distinctValues, evidenceLines, WindowStore, type WindowEvent } from './windows';

export interface CorrelationSettings extends Thresholds {
  scanWindowMs: number;
  portScanPorts: number;
  burstCount: number;
  burstWindowMs: number;
}

export const DEFAULT_SETTINGS: CorrelationSettings = {
  bruteForceCount: 5,
  bruteForceWindowMs: 5 * 60_000, // fail2ban's defaults: maxretry 5, findtime 10 min; 5 min keeps bursts tight
  sprayUsers: 5,
  scanPaths: 20,
  minConfidence: 0.5,
  scanWindowMs: 60_000,
  portScanPorts: 10,
  burstCount: 200,
  burstWindowMs: 10_000,
};

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const clamp = (x: number): number => Math.max(0, Math.min(0.99, Math.round(x * 100) / 100));
const EVIDENCE_CHARS = 300;

export class CorrelationEngine {
  constructor(
    private readonly settings: () => CorrelationSettings,
    private readonly store = new WindowStore(),
    private readonly bursts = new BurstCounter(),
  ) {}

  observe(parsed: ParsedLog, ctx: LogContext): Detection[] {
    const s = this.settings();
    const f = parsed.fields;
    const t = ctx.timestamp;
    const org = ctx.organizationId;
    const ip = str(f.src_ip);
    const user = str(f.user);
    const line = parsed.message.length > EVIDENCE_CHARS ? `${parsed.message.slice(0, EVIDENCE_CHARS)}…` : parsed.message;
    const detections: Detection[] = [];
    const base = { sourceIp: ip, user, target: str(f.host) ?? str(ctx.source) ?? str(f.program) };

    if (f.auth_result === 'failure') {
      const group = ip ?? (user ? `user:${user}` : null);
      if (group) {
        const attempts = Math.max(1, Math.min(50, Math.floor(Number(f.attempts ?? ctx.metadata?.attempts ?? 1)) || 1));
        const events = this.store.add(`${org}\0auth_fail\0${group}`, { t, value: user ?? '?', line }, s.bruteForceWindowMs, attempts);
        detections.push(...this.judgeFailures(events, s, base, group));
      }
    } else if (f.auth_result === 'success' && ip) {
      const failures = this.store.peek(`${org}\0auth_fail\0${ip}`, t, s.bruteForceWindowMs);
      if (failures.length >= s.bruteForceCount) {
        detections.push({
          ...base, threatType: 'account_compromise', severity: 'critical', confidence: clamp(0.85 + 0.01 * (failures.length - s.bruteForceCount)),
          mitreAttack: ['T1110', 'T1078'], rules: [{ id: 'vigil-correlation-success-after-brute-force', title: 'Successful login after repeated failures', kind: 'correlation' }],
          explanation: `Login succeeded from ${ip} after ${failures.length} failed attempts within ${minutes(s.bruteForceWindowMs)} (temporal correlation).`,
          evidence: [...evidenceLines(failures, 19), line],
        });
      }
    }

    const status = Number(f.status);
    const path = str(f.path);
    if (ip && path && (status === 404 || status === 403 || status === 401)) {
      const events = this.store.add(`${org}\0http_denied\0${ip}`, { t, value: path, line }, s.scanWindowMs);
      const distinct = distinctValues(events).size;
      if (distinct >= s.scanPaths) {
        detections.push({
          ...base, target: base.target, threatType: 'path_scan', severity: distinct >= 3 * s.scanPaths ? 'high' : 'medium',
          confidence: clamp(0.7 + 0.1 * Math.log2(distinct / s.scanPaths)), mitreAttack: ['T1595.003'],
          rules: [{ id: 'vigil-correlation-path-scan', title: 'Many distinct paths denied to one address', kind: 'correlation' }],
          explanation: `${ip} requested ${distinct} distinct paths answered ${[401, 403, 404].join('/')} within ${seconds(s.scanWindowMs)} (value_count >= ${s.scanPaths}).`,
          evidence: evidenceLines(events),
        });
      }
    }

    const port = str(f.dst_port);
    if (ip && port && f.firewall_action !== undefined) {
      const events = this.store.add(`${org}\0ports\0${ip}`, { t, value: port, line }, s.scanWindowMs);
      const distinct = distinctValues(events).size;
      if (distinct >= s.portScanPorts) {
        detections.push({
          ...base, target: str(f.dst_ip) ?? base.target, threatType: 'port_scan', severity: distinct >= 5 * s.portScanPorts ? 'high' : 'medium',
          confidence: clamp(0.75 + 0.1 * Math.log2(distinct / s.portScanPorts)), mitreAttack: ['T1046'],
          rules: [{ id: 'vigil-correlation-port-scan', title: 'Connection attempts to many ports from one address', kind: 'correlation' }],
          explanation: `${ip} tried ${distinct} distinct destination ports within ${seconds(s.scanWindowMs)} (value_count >= ${s.portScanPorts}).`,
          evidence: evidenceLines(events),
        });
      }
    }

    if (ip) {
      const count = this.bursts.hit(`${org}\0${ip}`, t, s.burstWindowMs);
      if (count === s.burstCount) { // fires once as the window crosses the threshold
        detections.push({
          ...base, threatType: 'request_flood', severity: 'medium', confidence: 0.7, mitreAttack: ['T1498', 'T1499'],
          rules: [{ id: 'vigil-correlation-burst', title: 'Impossible request burst from one address', kind: 'correlation' }],
          explanation: `${count} log events from ${ip} within ${seconds(s.burstWindowMs)} (event_count >= ${s.burstCount}).`,
          evidence: [line],
        });
      }
    }
    return detections;
  }

  private judgeFailures(events: WindowEvent[], s: CorrelationSettings, base: Pick<Detection, 'sourceIp' | 'user' | 'target'>, group: string): Detection[] {
    const count = events.length;
    const users = distinctValues(events);
    users.delete('?');
    const evidence = evidenceLines(events);
    if (users.size >= s.sprayUsers && base.sourceIp) {
      return [{
        ...base, threatType: 'password_spraying', severity: 'high', confidence: clamp(0.75 + 0.04 * (users.size - s.sprayUsers)),
        mitreAttack: ['T1110.003'], rules: [{ id: 'vigil-correlation-password-spraying', title: 'Failed logins for many users from one address', kind: 'correlation' }],
        explanation: `${base.sourceIp} failed to log in as ${users.size} different users within ${minutes(s.bruteForceWindowMs)} (value_count(user) >= ${s.sprayUsers}).`,
        evidence,
      }];
    }
    if (count < s.bruteForceCount) return [];
    const span = events[count - 1].t - events[0].t;
    const rapid = span <= 60_000;
    return [{
      ...base, threatType: 'brute_force_attack', severity: count >= 4 * s.bruteForceCount ? 'critical' : 'high',
      confidence: clamp(0.8 + 0.03 * (count - s.bruteForceCount) + (rapid ? 0.05 : 0)),
      mitreAttack: ['T1110.001'], rules: [{ id: 'vigil-correlation-brute-force', title: 'Repeated failed logins from one source', kind: 'correlation' }],
      explanation: `${count} failed logins from ${group.replace(/^user:/, 'user ')} within ${minutes(s.bruteForceWindowMs)} (event_count >= ${s.bruteForceCount}${rapid ? ', all within one minute' : ''}).`,
      evidence,
    }];
  }

  exportState(): unknown {
    return this.store.exportState();
  }

  importState(state: unknown): void {
    this.store.importState(state);
  }
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
