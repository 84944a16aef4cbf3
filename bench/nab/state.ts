import fs from 'node:fs';
import path from 'node:path';
import { parseNabCsv } from '../../src/features/anomalies/backtest';
import { newSeriesState, observe, type SeriesState } from '../../src/features/anomalies/detectors/series';
import { MAX_TEMPLATES, newTemplateState, observeLogLine } from '../../src/features/anomalies/detectors/log-templates';
import { nabRoot } from './corpus';

/**
 * State budget per series (goal ≤ 16 KB of checkpoint and of heap): every NAB file is streamed through one series
 * state and its checkpoint (JSON) measured at the end and at its largest; heap is measured on 2,000 copies of the
 * largest state. A log source with the template store full of long templates is measured the same way.
 * `node --expose-gc --import tsx bench/nab/state.ts`
 */
const root = nabRoot();
if (!root) {
  console.log('NAB data not found at ../shared/data/nab; skipping (set NAB_DIR).');
  process.exit(0);
}
const gc = (globalThis as { gc?: () => void }).gc;

function heapPerCopy(state: object, copies = 2000): number | null {
  if (!gc) return null;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: object[] = [];
  for (let i = 0; i < copies; i++) kept.push(structuredClone(state));
  gc();
  const bytes = (process.memoryUsage().heapUsed - before) / copies;
  return kept.length ? bytes : null;
}

const sizes: number[] = [];
let largest: { bytes: number; state: SeriesState | null; name: string } = { bytes: 0, state: null, name: '' };
const labels = JSON.parse(fs.readFileSync(path.join(root, 'labels/combined_windows.json'), 'utf8')) as Record<string, unknown>;
for (const name of Object.keys(labels)) {
  const file = path.join(root, 'data', name);
  if (!fs.existsSync(file)) continue;
  const state = newSeriesState();
  parseNabCsv(fs.readFileSync(file, 'utf8')).rows.forEach((row, i) => {
    observe(state, { value: row.value, timestamp: row.at });
    if (i % 500 === 0 || i > 0) {
      const bytes = i % 97 === 0 ? JSON.stringify(state).length : 0;
      if (bytes > largest.bytes) largest = { bytes, state: structuredClone(state), name };
    }
  });
  sizes.push(JSON.stringify(state).length);
}
sizes.sort((a, b) => a - b);
const heap = heapPerCopy(largest.state!);
console.log(`series state (${sizes.length} NAB files): checkpoint median ${sizes[sizes.length >> 1]} B, max at end ${sizes[sizes.length - 1]} B, largest seen ${largest.bytes} B (${largest.name})`);
console.log(`  heap of the largest: ${heap === null ? 'run with --expose-gc' : `${heap.toFixed(0)} B`}`);

const logs = newTemplateState();
for (let i = 0; i < MAX_TEMPLATES * 3; i++) {
  const words = Array.from({ length: 12 }, (_, k) => `w${String.fromCharCode(97 + ((i * 7 + k * 3) % 26))}${String.fromCharCode(97 + ((i + k) % 26))}`);
  observeLogLine(logs, `${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i >> 4) % 26))}component ${words.join(' ')} ${'x'.repeat(60)}`, 'error', 1_700_000_000_000 + i * 1000);
}
const logHeap = heapPerCopy(logs);
console.log(`log source, template store full (${logs.clusters!.length} templates of ~120 chars): checkpoint ${JSON.stringify(logs).length} B, heap ${logHeap === null ? 'run with --expose-gc' : `${logHeap.toFixed(0)} B`}`);
console.log('Budget: 16384 B of checkpoint and of heap per series.');
