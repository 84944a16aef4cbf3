/**
 * Throughput of the threat pipeline (parse + all curated Sigma rules + web-attack grammars + correlation) on one
 * core, against a naive baseline measured in the same run: every rule's values as regular expressions tested on
 * every raw line (no parsing, no log-source bucketing). Run: node --import tsx bench/threats/run.ts [lines]
 */
import { existsSync } from 'node:fs';
import { createThreatPipeline, loadRules } from '../../src/features/threats/detection';
import { listRuleFiles } from '../../src/features/threats/detection/sigma/loader';
import { generateLog } from './generate';
import { naiveRuleRegexes } from './naive';

const count = Number(process.argv[2] ?? 200_000);
const { lines, times } = generateLog(count);

function timeIt(run: () => number): { seconds: number; hits: number } {
  const start = process.hrtime.bigint();
  const hits = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, hits };
}

function pipelineRun(extra = false): { seconds: number; hits: number; byType: Map<string, number> } {
  const pipeline = createThreatPipeline();
  const sigmaHq = extra && existsSync('/work/shared/data/sigma/rules') ? loadRules(['/work/shared/data/sigma/rules']).rules : undefined;
  const byType = new Map<string, number>();
  const result = timeIt(() => {
    let hits = 0;
    for (let i = 0; i < lines.length; i++) {
      const { detections } = pipeline.analyze(lines[i], { organizationId: 'bench', timestamp: times[i] }, sigmaHq);
      hits += detections.length;
      for (const d of detections) byType.set(d.threatType, (byType.get(d.threatType) ?? 0) + 1);
    }
    return hits;
  });
  return { ...result, byType };
}

const regexes = naiveRuleRegexes(listRuleFiles(new URL('../../rules/sigma', import.meta.url).pathname));
const naiveRun = (): { seconds: number; hits: number } => timeIt(() => {
  let hits = 0;
  for (const line of lines) for (const rule of regexes) if (rule.some((re) => re.test(line))) hits++;
  return hits;
});
// Interleaved rounds, best of each: a shared machine's load swings more than the difference being measured.
const ROUNDS = 3;
let ours = pipelineRun();
let naive = naiveRun();
for (let round = 1; round < ROUNDS; round++) {
  const a = pipelineRun();
  if (a.seconds < ours.seconds) ours = a;
  const b = naiveRun();
  if (b.seconds < naive.seconds) naive = b;
}
const withHq = existsSync('/work/shared/data/sigma/rules') ? pipelineRun(true) : null;
const hqRegexes = withHq ? naiveRuleRegexes(listRuleFiles('/work/shared/data/sigma/rules')) : [];
// The naive engine with 2,000+ regexes is so slow that it runs on the first 10% of the log only.
const hqSample = lines.slice(0, Math.ceil(lines.length / 10));
const naiveHq = withHq ? timeIt(() => {
  let hits = 0;
  for (const line of hqSample) {
    for (const rule of regexes) if (rule.some((re) => re.test(line))) hits++;
    for (const rule of hqRegexes) if (rule.some((re) => re.test(line))) hits++;
  }
  return hits;
}) : null;

const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')} lines/s`;
console.log(`threats bench: ${lines.length.toLocaleString('en-US')} generated lines, node ${process.version}, one core, best of ${ROUNDS} interleaved rounds`);
console.log(`pipeline (parse + ${createThreatPipeline().rules().length} curated rules + web grammars + correlation): ${rate(lines.length, ours.seconds)} (${ours.seconds.toFixed(2)} s, ${ours.hits} detections)`);
console.log(`naive baseline (${regexes.reduce((a, r) => a + r.length, 0)} regexes from the same rules, every rule on every line, no parsing): ${rate(lines.length, naive.seconds)} (${naive.seconds.toFixed(2)} s)`);
console.log(`ratio pipeline / naive: ${(naive.seconds / ours.seconds).toFixed(2)}x`);
if (withHq && naiveHq) {
  console.log(`pipeline + 255 SigmaHQ rules as extra rules: ${rate(lines.length, withHq.seconds)} (${withHq.seconds.toFixed(2)} s)`);
  console.log(`naive baseline + the same 255 rules (${hqRegexes.reduce((a, r) => a + r.length, 0)} more regexes, first ${hqSample.length} lines): ${rate(hqSample.length, naiveHq.seconds)} (${naiveHq.seconds.toFixed(2)} s), ratio ${((naiveHq.seconds / hqSample.length) / (withHq.seconds / lines.length)).toFixed(1)}x`);
}
else console.log('pipeline + SigmaHQ rules: skipped (../shared/data/sigma not present)');
console.log(`detections by type: ${[...ours.byType.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`);
