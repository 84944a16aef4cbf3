import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtestRows, parseNabCsv, parseTimestamp } from '../../src/features/anomalies/backtest';
import { PROFILES, scoreCorpus, type ScoredFile } from './scorer';

/**
 * Scores Vigil's streaming detector on the NAB corpus found at ../shared/data/nab (relative to the repo).
 * `node --import tsx bench/nab/run.ts [--files]`.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = process.env.NAB_DIR ?? path.resolve(repo, '../shared/data/nab');
if (!fs.existsSync(path.join(root, 'labels/combined_windows.json'))) {
  console.log(`NAB data not found at ${root}; skipping (set NAB_DIR).`);
  process.exit(0);
}

const labels = JSON.parse(fs.readFileSync(path.join(root, 'labels/combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
const files: ScoredFile[] = [];
const started = performance.now();
let rowCount = 0;
for (const [name, windowTimes] of Object.entries(labels)) {
  const file = path.join(root, 'data', name);
  if (!fs.existsSync(file)) continue;
  const { rows } = parseNabCsv(fs.readFileSync(file, 'utf8'));
  rowCount += rows.length;
  const scores = backtestRows(rows).map((r) => r.anomalyScore);
  const windows = windowTimes.map(([start, end]): [number, number] => {
    const from = parseTimestamp(start.slice(0, 19));
    const to = parseTimestamp(end.slice(0, 19));
    const left = rows.findIndex((r) => r.at >= from);
    let right = -1;
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.at <= to) { right = i; break; }
    return [left, right];
  });
  files.push({ name, scores, windows: windows.filter(([l, r]) => l >= 0 && r >= l) });
}
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
