import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
import { createDetectionEngine } from '../../src/features/anomalies/engine';
import { createIngestService } from '../../src/features/anomalies/ingest.service';

/**
 * The cost of VIGIL_SQLITE_SYNCHRONOUS=full against the default `normal`: committed ingest throughput (the service
 * the route calls, detection on, one transaction per batch) on a database file in the temp directory, both modes
 * in the same run, alternating, best of three each. `node --import tsx bench/ingest/synchronous.ts`
 */
const SERIES = 100;
const TOTALS: Record<number, number> = { 1: 2_000, 100: 30_000 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-sync-'));

function makeEvents(count: number, offset: number): IngestEvent[] {
  return Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    return { id: newId(), type: 'metric' as const, source: `host-${i % SERIES}`, name: 'cpu', value: 50 + Math.sin(i / 50) * 10 + (i % 7), timestamp: 1_700_000_000_000 + i * 1000, metadata: null };
  });
}

async function run(mode: 'normal' | 'full', batch: number, attempt: number) {
  const handle = openDatabase({ sqliteFile: path.join(dir, `${mode}-${batch}-${attempt}.db`), sqliteSynchronous: mode });
  await migrateToLatest(handle.db);
  const logger = createLogger('silent');
  const series = createSeriesRepository(handle.db);
  const engine = createDetectionEngine({ series, logger });
  const ingest = createIngestService({
    db: handle.db, events: createEventsRepository(handle.db), anomalies: createAnomaliesRepository(handle.db),
    engine, bus: createEventBus({ logger }), clock: systemClock, logger,
    threats: { analyzeLogLines: async () => undefined }, scorerFor: () => undefined,
  });
  const total = TOTALS[batch]!;
  const batches = Array.from({ length: total / batch }, (_, b) => makeEvents(batch, b * batch));
  const started = performance.now();
  for (const events of batches) await ingest.ingest('org-1', events);
  await engine.checkpoint();
  const seconds = (performance.now() - started) / 1000;
  await handle.close();
  return total / seconds;
}

try {
  for (const batch of [1, 100]) {
    const best = { normal: 0, full: 0 };
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const mode of ['normal', 'full'] as const) best[mode] = Math.max(best[mode], await run(mode, batch, attempt));
    }
    console.log(`batch ${batch}: normal ${Math.round(best.normal)} events/s, full ${Math.round(best.full)} events/s, full/normal ${(best.full / best.normal).toFixed(2)}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
