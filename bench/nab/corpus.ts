import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtestRows, parseNabCsv, parseTimestamp } from '../../src/features/anomalies/backtest';
import type { ScoredFile } from './scorer';

/** The NAB corpus at NAB_DIR or ../shared/data/nab (relative to the repo); null when it is not there. */
export function nabRoot(): string | null {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const roots = process.env.NAB_DIR ? [process.env.NAB_DIR] : ['../shared', '../../shared'].map((up) => path.resolve(repo, up, 'data/nab'));
  return roots.find((root) => fs.existsSync(path.join(root, 'labels/combined_windows.json'))) ?? null;
}

/**
 * Runs every labelled file of the corpus through the server's detector (the `vigil backtest` code) and maps
 * each anomaly window to row indexes. Call after any TUNING override.
 */
export function scoreNabFiles(root: string): { files: ScoredFile[]; rowCount: number } {
  const labels = JSON.parse(fs.readFileSync(path.join(root, 'labels/combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const files: ScoredFile[] = [];
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
  return { files, rowCount };
}
