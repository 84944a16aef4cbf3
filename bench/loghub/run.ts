import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detect, type AnyState, type IngestEvent, type StateAccess } from '../../src/features/anomalies/detection';
import { templateOf } from '../../src/features/anomalies/detectors/log-templates';
import { parseBglLine, scoreFlags, type LabelledLine } from './score';

/**
 * Streams Loghub's Blue Gene/L lines (../shared/data/loghub/BGL_dev.log, or LOGHUB_FILE) through the server's log
 * detectors (`detect` of detection.ts, one source, the node in metadata, labels stripped) and scores the anomalies
 * with the README's incident rules next to the two trivial detectors. `node --import tsx bench/loghub/run.ts [--list]`.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// ../shared beside the checkout, or two levels up for a git worktree under a sibling folder.
const file = process.env.LOGHUB_FILE ?? ['../shared', '../../shared'].map((up) => path.resolve(repo, up, 'data/loghub/BGL_dev.log')).find((f) => fs.existsSync(f)) ?? '../shared/data/loghub/BGL_dev.log';
if (!fs.existsSync(file)) {
  console.log(`Loghub BGL sample not found at ${file}; skipping (set LOGHUB_FILE).`);
  process.exit(0);
}
const lines = fs.readFileSync(file, 'utf8').split('\n').map(parseBglLine).filter((l): l is LabelledLine => l !== null);
const labels = lines.map((l) => l.label);

const states = new Map<string, AnyState>();
const access: StateAccess = {
  get<S extends AnyState>(key: string, create: () => S): S {
    let state = states.get(key) as S | undefined;
    if (!state) states.set(key, (state = create()));
    return state;
  },
};
const events: IngestEvent[] = lines.map((l, i) => ({
  id: `l${i}`, type: 'log', source: 'bgl', timestamp: l.timestamp, level: l.level.toLowerCase(), message: `${l.component} ${l.message}`, metadata: { node: l.node },
}));
const started = performance.now();
// One event per call, as a live stream would deliver them.
const detections = events.flatMap((event, i) => detect([event], access).filter((d) => d.isAnomaly).map((d) => ({ ...d, eventIndex: i })));
const elapsed = performance.now() - started;

const severe = new Set(['FATAL', 'SEVERE']);
const everyFatal = lines.flatMap((l, i) => (severe.has(l.level) ? [i] : []));
const seen = new Set<string>();
const firstTemplates = lines.flatMap((l, i) => {
  const t = templateOf(`${l.component} ${l.message}`);
  if (seen.has(t)) return [];
  seen.add(t);
  return [i];
});
const flaggedLines = [...new Set(detections.map((d) => d.eventIndex))].sort((a, b) => a - b);
const row = (name: string, flags: number[]) => {
  const s = scoreFlags(labels, flags);
  return `${name.padEnd(34)} F1 ${s.f1.toFixed(2)}  found ${s.found}/${s.incidents}  flags ${String(s.flags).padStart(4)}  false alarms ${s.falseAlarms}`;
};
console.log(`Loghub BGL: ${lines.length} lines, detectors ran in ${elapsed.toFixed(0)} ms`);
console.log(row('Vigil (log detectors)', flaggedLines));
console.log(row('trivial: every FATAL/SEVERE line', everyFatal));
console.log(row('trivial: first of each template', firstTemplates));
const byDetector = new Map<string, number>();
for (const d of detections) byDetector.set(d.detector, (byDetector.get(d.detector) ?? 0) + 1);
console.log(`anomalies by detector: ${[...byDetector].map(([k, v]) => `${k} ${v}`).join(', ')}`);
const stateBytes = [...states].map(([k, s]) => `${k} ${JSON.stringify(s).length} B`);
console.log(`state per series: ${stateBytes.join(', ')}`);
if (process.argv.includes('--list')) {
  for (const d of detections) console.log(`${String(d.eventIndex + 1).padStart(5)} ${labels[d.eventIndex]!.padEnd(9)} ${d.detector.padEnd(14)} ${d.explanation.slice(0, 150)}`);
}
