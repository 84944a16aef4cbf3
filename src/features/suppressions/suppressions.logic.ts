import { isIP } from 'node:net';
import { CronExpressionParser } from 'cron-parser';

/**
 * Pure matching for suppressions and the allowlist. A suppression's `match` is an object of field -> condition;
 * every field must hold (AND), a list of conditions holds when any of them does (OR). A condition is a string
 * (equality, or a glob when it holds `*` or `?`; on address fields an address or CIDR is a containment test) or
 * an explicit `{ equals }`, `{ glob }` or `{ cidr }`.
 */
export const ENGINES = ['anomaly', 'threat', 'drift', 'any'] as const;
export type Engine = (typeof ENGINES)[number];
export type FindingEngine = Exclude<Engine, 'any'>;

/** Fields a condition may name; `tag.<Key>` names one resource tag. */
export const MATCH_FIELDS = [
  'source', 'metric', 'kind', 'rule_id', 'threat_type', 'source_ip', 'user', 'severity',
  'resource_id', 'resource_type', 'resource_name', 'resource_address', 'drift_field',
] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];
const ADDRESS_FIELDS = new Set<string>(['source_ip']);
export const SEVERITY_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** What an engine knows about one finding, in the suppression's vocabulary. Several values: any may match. */
export interface Finding {
  engine: FindingEngine;
  severity: string;
  source?: string | null;
  metric?: string | null;
  kind?: string | null;
  rule_ids?: string[];
  threat_type?: string | null;
  source_ip?: string | null;
  user?: string | null;
  resource_id?: string[] | string | null;
  resource_type?: string | null;
  resource_name?: string[] | string | null;
  resource_address?: string | null;
  drift_field?: string | null;
  tags?: Record<string, string> | null;
}

export type RawCondition = string | { equals: string } | { glob: string } | { cidr: string };
export type RawMatch = Record<string, RawCondition | RawCondition[]>;

type Test = (value: string) => boolean;
export interface CompiledCondition {
  field: string;
  tests: Test[];
}

export interface MatchProblem {
  field: string;
  message: string;
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[|\\{}()[\]^$+.]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

/** `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128); null when it is neither. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || !address) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** Eight 16-bit groups (an embedded IPv4 tail and `::` expanded), or null. */
function parseIPv6(text: string): number[] | null {
  if (isIP(text) !== 6) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.', lastColon)) {
    const v4 = parseIPv4(head.slice(lastColon + 1));
    if (v4 === null) return null;
    tail.push(Math.floor(v4 / 65536), v4 % 65536);
    head = head.slice(0, lastColon + 1) + (head.endsWith('::' + head.slice(lastColon + 1)) ? '' : '0');
    if (head.endsWith(':0')) head = head.slice(0, -2);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, null];
  const groups = (part: string | null | undefined) => (part ? part.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = [...groups(right), ...tail];
  if (right === null) return [...l, ...tail].length === 8 ? [...l, ...tail] : null;
  const fill = 8 - l.length - r.length;
  return fill < 0 ? null : [...l, ...Array(fill).fill(0), ...r];
}

type ParsedAddress = { v4: number } | { v6: number[] } | null;
// Every CIDR condition of every suppression tests the same finding's address in turn: parse it once.
let lastText: string | null = null;
let lastParsed: ParsedAddress = null;

/** Normalises `::ffff:1.2.3.4` to `1.2.3.4` so IPv4 rules catch IPv4-mapped peers. */
function plainAddress(value: string): ParsedAddress {
  if (value === lastText) return lastParsed;
  lastParsed = parseAddress(value);
  lastText = value;
  return lastParsed;
}

function parseAddress(value: string): ParsedAddress {
  const trimmed = value.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const v4 = parseIPv4(trimmed);
  if (v4 !== null) return { v4 };
  const v6 = parseIPv6(trimmed);
  return v6 ? { v6 } : null;
}

/** A containment test for an IPv4 or IPv6 CIDR (plain arithmetic: no parsing library on the hot path). */
export function cidrTest(cidr: string): Test | null {
  const parsed = parseCidr(cidr);
  if (!parsed) return null;
  if (parsed.family === 'ipv4') {
    const size = 2 ** (32 - parsed.prefix);
    const network = Math.floor(parseIPv4(parsed.address)! / size);
    return (value) => {
      const address = plainAddress(value);
      return address !== null && 'v4' in address && Math.floor(address.v4 / size) === network;
    };
  }
  const network = parseIPv6(parsed.address);
  if (!network) return null;
  const prefix = parsed.prefix;
  return (value) => {
    const address = plainAddress(value);
    if (!address || !('v6' in address)) return false;
    for (let bit = 0, group = 0; bit < prefix; bit += 16, group++) {
      const bits = Math.min(16, prefix - bit);
      const shift = 16 - bits;
      if (address.v6[group]! >> shift !== network[group]! >> shift) return false;
    }
    return true;
  };
}

function compileOne(field: string, condition: unknown, path: string, problems: MatchProblem[]): Test | null {
  const address = ADDRESS_FIELDS.has(field);
  if (typeof condition === 'string') {
    const text = condition.trim();
    if (text === '' || text.length > 500) return void problems.push({ field: path, message: 'must be 1 to 500 characters' }), null;
    if (address && parseCidr(text)) return cidrTest(text);
    if (/[*?]/.test(text)) return globTest(text);
    return (value) => value === text;
  }
  if (condition && typeof condition === 'object' && !Array.isArray(condition)) {
    const entries = Object.entries(condition as Record<string, unknown>);
    const [op, operand] = entries[0] ?? [];
    if (entries.length !== 1 || typeof operand !== 'string' || operand.trim() === '' || operand.length > 500) {
      return void problems.push({ field: path, message: 'an explicit condition is exactly one of {"equals"}, {"glob"}, {"cidr"} with a non-empty string' }), null;
    }
    if (op === 'equals') return (value) => value === operand.trim();
    if (op === 'glob') return globTest(operand.trim());
    if (op === 'cidr') {
      if (!address) return void problems.push({ field: path, message: `CIDR conditions apply to address fields only (${[...ADDRESS_FIELDS].join(', ')})` }), null;
      const test = cidrTest(operand);
      if (!test) problems.push({ field: path, message: `'${operand}' is not a valid IPv4 or IPv6 CIDR` });
      return test;
    }
    return void problems.push({ field: path, message: `unknown operator '${op}' (equals, glob, cidr)` }), null;
  }
  problems.push({ field: path, message: 'must be a string, an explicit condition or a list of them' });
  return null;
}

function globTest(glob: string): Test {
  const pattern = globToRegExp(glob);
  return (value) => pattern.test(value);
}

/** Validates and compiles a match; problems name the field (`match.source_ip`). An empty match is refused. */
export function compileMatch(raw: unknown): { conditions: CompiledCondition[]; problems: MatchProblem[] } {
  const problems: MatchProblem[] = [];
  const conditions: CompiledCondition[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { conditions, problems: [{ field: 'match', message: 'must be an object of field conditions' }] };
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) problems.push({ field: 'match', message: 'an empty match would silence everything; name at least one field' });
  if (entries.length > 20) problems.push({ field: 'match', message: 'at most 20 fields' });
  for (const [field, value] of entries) {
    const path = `match.${field}`;
    const known = (MATCH_FIELDS as readonly string[]).includes(field) || /^tag\.[^\s]{1,128}$/.test(field);
    if (!known) {
      problems.push({ field: path, message: `unknown field; use one of ${MATCH_FIELDS.join(', ')} or tag.<Key>` });
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.length > 50) {
      problems.push({ field: path, message: 'a list holds 1 to 50 conditions' });
      continue;
    }
    const tests = list.map((item, i) => compileOne(field, item, Array.isArray(value) ? `${path}.${i}` : path, problems)).filter((t): t is Test => t !== null);
    if (field === 'severity') {
      for (const item of list) if (typeof item === 'string' && !/[*?]/.test(item) && !(SEVERITY_LEVELS as readonly string[]).includes(item.trim())) problems.push({ field: path, message: `severity is one of ${SEVERITY_LEVELS.join(', ')}` });
    }
    conditions.push({ field, tests });
  }
  return { conditions, problems };
}

/** Whether a match could hold for a critical finding (no severity condition, or one that admits `critical`). */
export function admitsCritical(conditions: CompiledCondition[]): boolean {
  const severity = conditions.find((c) => c.field === 'severity');
  return !severity || severity.tests.some((test) => test('critical'));
}

function valuesOf(finding: Finding, field: string): string[] {
  if (field.startsWith('tag.')) {
    const value = finding.tags?.[field.slice(4)];
    return value === undefined || value === null ? [] : [String(value)];
  }
  if (field === 'rule_id') return finding.rule_ids ?? [];
  const value = (finding as unknown as Record<string, unknown>)[field];
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [value];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined && v !== '').map(String);
}

/** A drift field condition covers the attribute and everything below it, as a .driftignore line does. */
function driftFieldCandidates(field: string): string[] {
  const parts = field.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

export function conditionsHold(conditions: CompiledCondition[], finding: Finding): boolean {
  for (const condition of conditions) {
    let values = valuesOf(finding, condition.field);
    if (condition.field === 'drift_field') values = values.flatMap(driftFieldCandidates);
    if (!values.some((value) => condition.tests.some((test) => test(value)))) return false;
  }
  return true;
}

export interface ScheduleWindow {
  cron: string;
  durationMs: number;
  tz: string;
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Null when the cron expression parses in that zone, otherwise the reason. */
export function cronProblem(cron: string, tz: string): string | null {
  if (cron.trim().split(/\s+/).length < 5) return 'a cron expression has 5 fields (minute hour day month weekday), or 6 with seconds';
  try {
    CronExpressionParser.parse(cron, { tz, currentDate: new Date(0) }).next();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : 'invalid cron expression';
  }
}

/** Whether `now` falls in a window that started at the last cron occurrence (inclusive) and lasts durationMs. */
export function windowActive(schedule: ScheduleWindow, now: number): boolean {
  try {
    const start = CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: new Date(now + 1) }).prev().getTime();
    return now >= start && now < start + schedule.durationMs;
  } catch {
    return false;
  }
}

/** "2h", "90m", "45s", "1d" or a number of seconds; null when unreadable. */
export function parseDurationSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(value);
  if (!match) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Math.round(Number(match[1]) * unit);
  return seconds > 0 ? seconds : null;
}

/** A stored suppression ready to test findings against. */
export interface ActiveSuppression {
  id: string;
  engine: Engine;
  conditions: CompiledCondition[];
  allowCritical: boolean;
  expiresAt: number | null;
  schedule: ScheduleWindow | null;
  createdAt: number;
}

/** True when the suppression silences this finding at `now`. */
export function suppresses(suppression: ActiveSuppression, finding: Finding, now: number): boolean {
  if (suppression.engine !== 'any' && suppression.engine !== finding.engine) return false;
  if (suppression.expiresAt !== null && now >= suppression.expiresAt) return false;
  if (finding.severity === 'critical' && !suppression.allowCritical) return false;
  if (!conditionsHold(suppression.conditions, finding)) return false;
  if (suppression.schedule && !windowActive(suppression.schedule, now)) return false;
  return true;
}

/** The oldest suppression that silences the finding (stable attribution), or null. */
export function firstSuppressing(suppressions: ActiveSuppression[], finding: Finding, now: number): string | null {
  for (const suppression of suppressions) if (suppresses(suppression, finding, now)) return suppression.id;
  return null;
}

export interface AllowlistEntry {
  id: string;
  value: string;
  expiresAt: number | null;
  test: Test;
}

/** The allowlist entry covering this address at `now`, or null. */
export function allowlistEntryFor(entries: AllowlistEntry[], address: string | null | undefined, now: number): AllowlistEntry | null {
  if (!address) return null;
  for (const entry of entries) if ((entry.expiresAt === null || now < entry.expiresAt) && entry.test(address)) return entry;
  return null;
}

/** Canonical text of an allowlist value (address or CIDR), or null when invalid. */
export function canonicalAllowlistValue(text: string): string | null {
  const parsed = parseCidr(text);
  if (!parsed) return null;
  const max = parsed.family === 'ipv4' ? 32 : 128;
  return parsed.prefix === max ? parsed.address.toLowerCase() : `${parsed.address.toLowerCase()}/${parsed.prefix}`;
}
