import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { createEventBus } from '../../src/events/bus';
import { systemClock } from '../../src/lib/clock';
import { newId } from '../../src/lib/ids';
import { createLogger } from '../../src/lib/logger';
import { createAnomaliesRepository } from '../../src/features/anomalies/anomalies.repository';
import { createEventsRepository } from '../../src/features/anomalies/anomalies-events.repository';
import { createSeriesRepository } from '../../src/features/anomalies/anomalies-series.repository';
import type { IngestEvent } from '../../src/features/anomalies/detection';
import { newSeriesState, observe } from '../../src/features/anomalies/detectors/series';
import { createDetectionEngine } from '../../src/features/anomalies/engine';
import { createIngestService } from '../../src/features/anomalies/ingest.service';

/**
 * Committed ingest throughput with detection on (the service the route calls: validation excluded, detection,
 * one transaction per batch with events, anomalies and detector checkpoints), against plain better-sqlite3
 * inserts of the same rows, one transaction per batch, on the same kind of database file. Plus memory per series.
 * `node --expose-gc --import tsx bench/ingest/run.ts`
 */
const SERIES = 100;
const TOTALS: Record<number, number> = { 1: 3_000, 100: 50_000, 1000: 100_000 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-ingest-'));

function makeEvents(count: number, offset: number): IngestEvent[] {
  return Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    return {
      id: newId(), type: 'metric' as const, source: `host-${i % SERIES}`, name: 'cpu', value: 50 + Math.sin(i / 50) * 10 + (i % 7), timestamp: 1_700_000_000_000 + i * 1000, metadata: null,
    };
  });
}

async function vigilRun(batch: number, total: number) {
  const handle = openDatabase({ sqliteFile: path.join(dir, `vigil-${batch}.db`) });
  await migrateToLatest(handle.db);
  const logger = createLogger('silent');
  const series = createSeriesRepository(handle.db);
  const engine = createDetectionEngine({ series, logger });
  const ingest = createIngestService({
    db: handle.db, events: createEventsRepository(handle.db), anomalies: createAnomaliesRepository(handle.db),
    engine, bus: createEventBus({ logger }), clock: systemClock, logger,
    threats: { analyzeLogLines: async () => undefined }, scorerFor: () => undefined,
  });
  const batches = Array.from({ length: total / batch }, (_, b) => makeEvents(batch, b * batch));
  const started = performance.now();
  for (const events of batches) await ingest.ingest('org-1', events);
  await engine.checkpoint();
  const seconds = (performance.now() - started) / 1000;
  await handle.close();
  return total / seconds;
}

function rawRun(batch: number, total: number) {
  const db = new SQLite(path.join(dir, `raw-${batch}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table anomaly_events (id text primary key, organization_id text not null, type text not null, source text not null, name text, value real,
    level text, message text, trace_id text, span_id text, duration_ms real, metadata text, point_id text, timestamp bigint not null, received_at bigint not null)`);
  db.exec('create index e1 on anomaly_events (organization_id, timestamp); create index e2 on anomaly_events (organization_id, source, timestamp)');
  const insert = db.prepare('insert into anomaly_events values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const write = db.transaction((events: IngestEvent[]) => {
    const now = Date.now();
    for (const e of events) insert.run(e.id, 'org-1', e.type, e.source, e.name, e.value, null, null, null, null, null, null, null, e.timestamp, now);
  });
  const batches = Array.from({ length: total / batch }, (_, b) => makeEvents(batch, b * batch));
  const started = performance.now();
  for (const events of batches) write(events);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return total / seconds;
}

function memoryPerSeries(count: number) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const states = new Map<string, ReturnType<typeof newSeriesState>>();
  for (let s = 0; s < count; s++) {
    const state = newSeriesState();
    for (let i = 0; i < 50; i++) observe(state, { value: 50 + (i % 5), timestamp: 1_700_000_000_000 + i * 60_000 });
    states.set(JSON.stringify(['m', `host-${s}`, 'cpu']), state);
  }
  gc?.();
  const heap = (process.memoryUsage().heapUsed - before) / count;
  const json = JSON.stringify(states.values().next().value).length;
  return { heap, json, measured: Boolean(gc) };
}

console.log(`ingest benchmark: ${SERIES} metric series, SQLite file in ${os.tmpdir()}, node ${process.version}`);
console.log('batch   vigil events/s (detect + commit)   raw better-sqlite3 events/s   ratio');
for (const batch of [1, 100, 1000]) {
  const total = TOTALS[batch]!;
  const raw = rawRun(batch, total);
  const vigil = await vigilRun(batch, total);
  console.log(`${String(batch).padStart(5)}   ${vigil.toFixed(0).padStart(12)}                        ${raw.toFixed(0).padStart(12)}            ${(vigil / raw).toFixed(2)}`);
}
const memory = memoryPerSeries(20_000);
console.log(`memory per series: ${memory.heap.toFixed(0)} bytes of heap${memory.measured ? '' : ' (run with --expose-gc for a stable figure)'}, checkpoint ${memory.json} bytes of JSON`);
fs.rmSync(dir, { recursive: true, force: true });
