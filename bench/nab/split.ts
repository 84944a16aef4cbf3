import { nabRoot, scoreNabFiles } from './corpus';
import { TUNING } from '../../src/features/anomalies/detectors/series';
import { PROFILES, probationRows, scoreCorpus, scoreFile } from './scorer';

/**
 * Split validation for tuning: scores the NAB development subset as a whole and as two halves by category
 * (each half picks its own threshold, as NAB does per corpus), so a change can be checked on data it was not
 * tuned on. `node --import tsx bench/nab/split.ts [--detail]`.
 */
const root = nabRoot();
if (!root) {
  console.log('NAB data not found at ../shared/data/nab; skipping (set NAB_DIR).');
  process.exit(0);
}
/** Half A of the categories; the others form half B. */
const HALF_A = ['realAWSCloudwatch', 'realAdExchange', 'realTraffic', 'artificialNoAnomaly'];

for (const arg of process.argv.slice(2)) {
  const m = /^(\w+)=(.+)$/.exec(arg);
  if (m) (TUNING as Record<string, number>)[m[1]!] = Number(m[2]);
}
const { files } = scoreNabFiles(root);
const halfA = files.filter((f) => HALF_A.includes(f.name.split('/')[0]!));
const halfB = files.filter((f) => !HALF_A.includes(f.name.split('/')[0]!));
const line: string[] = [];
for (const [label, set] of [['all', files], ['A', halfA], ['B', halfB]] as const) {
  const parts = Object.entries(PROFILES).map(([, p]) => scoreCorpus(set, p));
  line.push(`${label} ${parts.map((r) => r.score.toFixed(1)).join('/')} @${parts[0]!.threshold}`);
}
{
  // Composition of the standard-profile raw score at the corpus threshold: reward of detected windows, missed windows, false-positive cost.
  const t = scoreCorpus(files, PROFILES.standard!).threshold;
  let tp = 0, fn = 0, fpCost = 0, fpCount = 0;
  for (const f of files) {
    const withFp = scoreFile(f, t, PROFILES.standard!);
    const noFp = scoreFile(f, t, { ...PROFILES.standard!, fp: 0 });
    const onlyFn = scoreFile(f, t, { tp: 0, fn: 1, fp: 0 });
    fn += -onlyFn; tp += noFp - onlyFn; fpCost += withFp - noFp;
    const p = probationRows(f.scores.length);
    for (let i = p; i < f.scores.length; i++) if (f.scores[i]! >= t && !f.windows.some(([l, r]) => l <= i && i <= r)) fpCount++;
  }
  const at = (th: number) => (100 * (files.reduce((sum, f) => sum + scoreFile(f, th, PROFILES.standard!), 0) + windows)) / (2 * windows);
  const windows = files.reduce((sum, f) => sum + f.windows.length, 0);
  line.push(`@0.7: ${at(0.7).toFixed(1)}`);
  line.push(`tp ${tp.toFixed(1)} fn ${fn} fp ${fpCost.toFixed(2)} (${fpCount})`);
}
console.log(line.join('   '));
/** `--at=0.6` lists misses and false positives at that threshold instead of the corpus's best one. */
const atArg = process.argv.find((a) => a.startsWith('--at='));
const listThreshold = () => (atArg ? Number(atArg.slice(5)) : scoreCorpus(files, PROFILES.standard!).threshold);
if (process.argv.includes('--detail')) {
  const t = listThreshold();
  for (const f of files) {
    const p = probationRows(f.scores.length);
    const hits: string[] = [];
    let fp = 0;
    const found = f.windows.map(() => -1);
    for (let i = p; i < f.scores.length; i++) {
      if (f.scores[i]! < t) continue;
      const w = f.windows.findIndex(([l, r]) => l <= i && i <= r);
      if (w < 0) fp++;
      else if (found[w]! < 0) found[w] = i;
    }
    for (let w = 0; w < f.windows.length; w++) {
      const [l, r] = f.windows[w]!;
      hits.push(found[w]! < 0 ? `miss[${l}-${r}]` : `hit${((found[w]! - l) / (r - l + 1)).toFixed(2)}`);
      if (found[w]! < 0) {
        let max = 0;
        for (let i = Math.max(l, p); i <= r; i++) max = Math.max(max, f.scores[i]!);
        hits[hits.length - 1] += `(max ${max.toFixed(2)})`;
      }
    }
    console.log(`${f.name.padEnd(58)} n=${f.scores.length} fp=${fp} ${hits.join(' ')}`);
  }
}
if (process.argv.includes('--fp')) {
  const t = listThreshold();
  for (const f of files) {
    const p = probationRows(f.scores.length);
    let last = -1e9;
    const gaps: string[] = [];
    for (let i = p; i < f.scores.length; i++) {
      if (f.scores[i]! < t) continue;
      const inW = f.windows.some(([l, r]) => l <= i && i <= r);
      const after = f.windows.filter(([, r]) => r < i).length;
      if (!inW) gaps.push(`${i}${after ? '' : '!'}(${i - last < 1e6 ? i - last : '-'})`);
      last = i;
    }
    if (gaps.length) console.log(f.name.split('/')[1]!.slice(0, 30).padEnd(31), gaps.join(' '));
  }
}
