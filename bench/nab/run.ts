import { nabRoot, scoreNabFiles } from './corpus';
import { PROFILES, scoreCorpus } from './scorer';

/**
 * Scores Vigil's streaming detector on the NAB corpus found at ../shared/data/nab (relative to the repo).
 * `node --import tsx bench/nab/run.ts [--files]`.
 */
const root = nabRoot();
if (!root) {
  console.log('NAB data not found at ../shared/data/nab; skipping (set NAB_DIR).');
  process.exit(0);
}

const started = performance.now();
const { files, rowCount } = scoreNabFiles(root);
const elapsed = performance.now() - started;
console.log(`NAB: ${files.length} files, ${rowCount} rows, detector ran in ${elapsed.toFixed(0)} ms`);
for (const [profileName, profile] of Object.entries(PROFILES)) {
  const result = scoreCorpus(files, profile);
  console.log(`${profileName.padEnd(20)} score ${result.score.toFixed(1)}  (threshold ${result.threshold})`);
}
if (process.argv.includes('--files')) {
  const { scoreFile } = await import('./scorer');
  const best = scoreCorpus(files, PROFILES.standard!);
  for (const f of files) console.log(`${scoreFile(f, best.threshold, PROFILES.standard!).toFixed(2).padStart(8)}  ${f.windows.length}w  ${f.name}`);
}
console.log('Reference (standard profile, full corpus): Numenta HTM 70.5, null 0, random 11.0.');
