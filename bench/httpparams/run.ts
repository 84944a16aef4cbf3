/**
 * Detection and false-positive rates of the web-attack detectors on HttpParamsDataset
 * (../shared/data/httpparams/payload_full.csv). Run: node --import tsx bench/httpparams/run.ts [csv] [--misses]
 * The split-half table assigns each payload to half A or B by the low bit of the SHA-1 of its text: develop
 * against one half, check that the other half moves the same way (a rule fitted to single strings does not).
 * --misses lists every missed attack and every flagged benign value (with its half) instead of five samples.
 * Each payload is a raw parameter value: it is decoded and judged exactly as a query parameter would be.
 * "detected" counts any attack class; "as own class" requires the labeled class. Baseline: a keyword
 * list (the approach the grammar detectors replace), measured in the same run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeRawValue, type WebAttackClass } from '../../src/features/threats/detection/webattack';
import { readPayloads } from './csv';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const listMisses = args.includes('--misses');
const candidates = [args.find((a) => !a.startsWith('--')), '/work/shared/data/httpparams/payload_full.csv', resolve(here, '../../../shared/data/httpparams/payload_full.csv')].filter(Boolean) as string[];
const file = candidates.find((p) => existsSync(p));
if (!file) {
  console.log('httpparams bench skipped: payload_full.csv not found (looked in ../shared/data/httpparams/ and /work/shared/data/httpparams/)');
  process.exit(0);
}

const CLASS_OF: Record<string, WebAttackClass> = { sqli: 'sql_injection', xss: 'xss', 'path-traversal': 'path_traversal', cmdi: 'command_injection' };
const KEYWORDS = ['select', 'union', "' or", '" or', ' or 1', '--', '<script', 'javascript:', 'onerror', '../', '/etc/passwd', ';', '|', '`', 'alert('];

const rows = readPayloads(readFileSync(file, 'utf8'));
const stats = new Map<string, { total: number; any: number; own: number; baseline: number; misses: string[] }>();
const halves = new Map<string, { total: [number, number]; any: [number, number] }>();
const halfOf = rows.map((row) => createHash('sha1').update(row.payload).digest()[0] & 1);
const allFindings = [];
const started = process.hrtime.bigint();
for (const row of rows) allFindings.push(analyzeRawValue(row.payload));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const listed: string[] = [];
for (let r = 0; r < rows.length; r++) {
  const row = rows[r];
  const findings = allFindings[r];
  const half = halfOf[r];
  const h = halves.get(row.attackType) ?? { total: [0, 0], any: [0, 0] };
  h.total[half]++;
  if (findings.length > 0) h.any[half]++;
  halves.set(row.attackType, h);
  if (listMisses && (row.attackType === 'norm') === (findings.length > 0)) {
    listed.push(`${row.attackType.padEnd(14)} ${'AB'[half]} ${JSON.stringify(row.payload)}${findings.length ? ` ${findings.map((f) => f.rule).join(',')}` : ''}`);
  }
  const lower = row.payload.toLowerCase();
  const baselineHit = KEYWORDS.some((k) => lower.includes(k));
  const s = stats.get(row.attackType) ?? { total: 0, any: 0, own: 0, baseline: 0, misses: [] };
  s.total++;
  if (findings.length > 0) s.any++;
  else if (s.misses.length < 5) s.misses.push(row.payload.slice(0, 60));
  if (findings.some((f) => f.threatType === CLASS_OF[row.attackType])) s.own++;
  if (baselineHit) s.baseline++;
  stats.set(row.attackType, s);
}
const pct = (n: number, d: number): string => `${((100 * n) / Math.max(d, 1)).toFixed(2)}%`;

console.log(`httpparams: ${rows.length} payloads from ${file}`);
console.log('class           count   detected  as-own-class  keyword-baseline');
for (const [cls, s] of [...stats.entries()].sort()) {
  if (cls === 'norm') continue;
  console.log(`${cls.padEnd(15)} ${String(s.total).padStart(5)}   ${pct(s.any, s.total).padStart(8)}  ${pct(s.own, s.total).padStart(12)}  ${pct(s.baseline, s.total).padStart(16)}`);
}
const attacks = [...stats.entries()].filter(([c]) => c !== 'norm').map(([, s]) => s);
const totalAttacks = attacks.reduce((a, s) => a + s.total, 0);
console.log(`${'all attacks'.padEnd(15)} ${String(totalAttacks).padStart(5)}   ${pct(attacks.reduce((a, s) => a + s.any, 0), totalAttacks).padStart(8)}  ${pct(attacks.reduce((a, s) => a + s.own, 0), totalAttacks).padStart(12)}  ${pct(attacks.reduce((a, s) => a + s.baseline, 0), totalAttacks).padStart(16)}`);
const norm = stats.get('norm');
if (norm) console.log(`false positives on norm: ${norm.any}/${norm.total} = ${pct(norm.any, norm.total)} (keyword baseline: ${pct(norm.baseline, norm.total)})`);
console.log(`throughput: ${Math.round(rows.length / seconds)} values/s (${seconds.toFixed(2)} s)`);
for (const [cls, s] of stats) if (cls !== 'norm' && s.misses.length) console.log(`sample misses ${cls}: ${s.misses.map((m) => JSON.stringify(m)).join(', ')}`);
console.log('split half (SHA-1 of the payload): detected in A / B, false positives on norm in A / B');
for (const [cls, h] of [...halves.entries()].sort()) {
  console.log(`${cls.padEnd(15)} A ${pct(h.any[0], h.total[0]).padStart(7)} of ${String(h.total[0]).padStart(5)}   B ${pct(h.any[1], h.total[1]).padStart(7)} of ${String(h.total[1]).padStart(5)}`);
}
if (listMisses) for (const line of listed) console.log(line);
