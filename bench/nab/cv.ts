import { nabRoot, scoreNabFiles } from './corpus';
import { TUNING } from '../../src/features/anomalies/detectors/series';
import { RESONANCE_TUNING } from '../../src/features/anomalies/detectors/resonance';
import { PROFILES, scoreCorpus, scoreFile, type CostProfile, type ScoredFile } from './scorer';

/**
 * Cross-validation by file: leave one NAB category out. Everything chosen from data — the detection threshold
 * and, with `--grid`, the TUNING values of the grid below — is chosen on the other categories only, then the
 * held-out category is scored at that choice. The CV score pools the held-out raw scores of every fold and
 * normalises them like one corpus (a fold without windows, artificialNoAnomaly, still costs its false alarms).
 * `node --import tsx bench/nab/cv.ts [--folds=5] [--grid[=resonance|vigilance|combination]] [key=value|art.key=value ...]` (fixes a value for the run).
 */
const root = nabRoot();
if (!root) {
  console.log('NAB data not found at ../shared/data/nab; skipping (set NAB_DIR).');
  process.exit(0);
}

/**
 * Candidate values the grid chooses from on the training folds (first value of each: the shipped default).
 * `art.` keys are RESONANCE_TUNING values; the others TUNING values.
 */
const GRIDS: Record<string, Record<string, number[]>> = {
  combination: { cooldown: [200, 50], shiftWeight: [0.7, 0.9], slowWeight: [1, 0], recurRatio: [1.2, 0] },
  resonance: { artWeight: [1, 0], 'art.floor': [0.02, 0.01, 0.04], 'art.block': [1, 2] },
  vigilance: { artWeight: [1, 0], 'art.vigilance': [0.9, 0.85, 0.95], 'art.floor': [0.02, 0.04] },
};
const gridName = process.argv.find((a) => a.startsWith('--grid'))?.split('=')[1] ?? 'resonance';
const GRID = GRIDS[gridName] ?? {};
const apply = (setting: Record<string, number>) => {
  for (const [key, value] of Object.entries(setting)) {
    if (key.startsWith('art.')) (RESONANCE_TUNING as Record<string, number>)[key.slice(4)] = value;
    else (TUNING as Record<string, number>)[key] = value;
  }
};

for (const arg of process.argv.slice(2)) {
  const m = /^(art\.)?(\w+)=(.+)$/.exec(arg);
  if (m) ((m[1] ? RESONANCE_TUNING : TUNING) as Record<string, number>)[m[2]!] = Number(m[3]);
}
/**
 * The fold of a file: its category (default), or with `--folds=5` one of five fixed folds by file (the files in
 * name order dealt round-robin, so each fold mixes categories and a category's files are spread over folds).
 */
const fiveFolds = process.argv.includes('--folds=5');
let foldOfFile = new Map<string, string>();
const category = (f: ScoredFile) => (fiveFolds ? foldOfFile.get(f.name)! : f.name.split('/')[0]!);
const normalise = (raw: number, windows: number, p: CostProfile) => (100 * (raw + p.fn * windows)) / ((p.tp + p.fn) * windows);
const windowsOf = (files: ScoredFile[]) => files.reduce((sum, f) => sum + f.windows.length, 0);

/** Every combination of the grid (or only the defaults), each with the corpus scored once. */
function candidates(useGrid: boolean): { setting: Record<string, number>; files: ScoredFile[] }[] {
  const keys = useGrid ? Object.keys(GRID) : [];
  const settings: Record<string, number>[] = [{}];
  for (const key of keys) {
    const next: Record<string, number>[] = [];
    for (const s of settings) for (const v of GRID[key]!) next.push({ ...s, [key]: v });
    settings.splice(0, settings.length, ...next);
  }
  const defaults = { ...TUNING };
  const artDefaults = { ...RESONANCE_TUNING };
  return settings.map((setting) => {
    apply(setting);
    const { files } = scoreNabFiles(root!);
    Object.assign(TUNING, defaults);
    Object.assign(RESONANCE_TUNING, artDefaults);
    return { setting, files };
  });
}

const started = performance.now();
const useGrid = process.argv.some((a) => a.startsWith('--grid'));
const runs = candidates(useGrid);
const all = runs[0]!.files;
foldOfFile = new Map([...all.map((f) => f.name)].sort().map((name, i) => [name, `fold ${i % 5}`]));
const categories = [...new Set(all.map(category))].sort();
for (const [profileName, profile] of Object.entries(PROFILES)) {
  let heldOutRaw = 0;
  const foldLines: string[] = [];
  for (const held of categories) {
    // Choose the setting and threshold on the training categories only.
    let best = { score: Number.NEGATIVE_INFINITY, threshold: 1, run: runs[0]! };
    for (const run of runs) {
      const r = scoreCorpus(run.files.filter((f) => category(f) !== held), profile);
      if (r.score > best.score) best = { score: r.score, threshold: r.threshold, run };
    }
    const test = best.run.files.filter((f) => category(f) === held);
    const raw = test.reduce((sum, f) => sum + scoreFile(f, best.threshold, profile), 0);
    heldOutRaw += raw;
    const w = windowsOf(test);
    const chosen = Object.entries(best.run.setting).map(([k, v]) => `${k}=${v}`).join(',');
    foldLines.push(`  ${held.padEnd(22)} held-out ${w ? normalise(raw, w, profile).toFixed(1).padStart(6) : `raw ${raw.toFixed(2)}`}  @${best.threshold}${chosen ? ` ${chosen}` : ''}`);
  }
  const cv = normalise(heldOutRaw, windowsOf(all), profile);
  const allFiles = Math.max(...runs.map((run) => scoreCorpus(run.files, profile).score));
  console.log(`${profileName.padEnd(20)} CV ${cv.toFixed(1)}   all-files ${allFiles.toFixed(1)}   gap ${(allFiles - cv).toFixed(1)}`);
  if (profileName === 'standard' || process.argv.includes('--detail')) console.log(foldLines.join('\n'));
}
console.log(`${runs.length} setting(s), ${all.length} files, ${((performance.now() - started) / 1000).toFixed(1)} s`);
