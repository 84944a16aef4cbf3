/**
 * Detection and false-positive rates of the web-attack detectors on HttpParamsDataset
 * (../shared/data/httpparams/payload_full.csv). Run: node --import tsx bench/httpparams/run.ts [csv]
 * Each payload is a raw parameter value: it is decoded and judged exactly as a query parameter would be.
 * "detected" counts any attack class; "as own class" requires the labeled class. Baseline: a keyword
 * list (the approach the grammar detectors replace), measured in the same run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeRawValue, type WebAttackClass } from '../../src/features/threats/detection/webattack';
import { readPayloads } from './csv';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [process.argv[2], '/work/shared/data/httpparams/payload_full.csv', resolve(here, '../../../shared/data/httpparams/payload_full.csv')].filter(Boolean) as string[];
const file = candidates.find((p) => existsSync(p));
if (!file) {
  console.log('httpparams bench skipped: payload_full.csv not found (looked in ../shared/data/httpparams/ and /work/shared/data/httpparams/)');
  process.exit(0);
}

const CLASS_OF: Record<string, WebAttackClass> = { sqli: 'sql_injection', xss: 'xss', 'path-traversal': 'path_traversal', cmdi: 'command_injection' };
const KEYWORDS = ['select', 'union', "' or", '" or', ' or 1', '--', '<script', 'javascript:', 'onerror', '../', '/etc/passwd', ';', '|', '`', 'alert('];

const rows = readPayloads(readFileSync(file, 'utf8'));
const stats = new Map<string, { total: number; any: number; own: number; baseline: number; misses: string[] }>();
const started = process.hrtime.bigint();
for (const row of rows) {
  const findings = analyzeRawValue(row.payload);
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
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
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
