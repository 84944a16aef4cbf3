import type { Kysely } from 'kysely';
import type { ClusterApi, LogEntry, PartitionOwner } from '../cluster/cluster.api';
import type { Database } from '../../db/schema';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { AnomaliesRepository } from './anomalies.repository';
import type { SeriesRepository } from './anomalies-series.repository';
import { detect, keysOf, type ExtraScorer, type IngestEvent } from './detection';
import { createDetectionEngine, type DetectionEngine } from './engine';
import { anomalyRows, type IngestOutcome } from './ingest.service';
import type { EntryResult } from './partitioned-ingest';

const READ_BATCH = 100;
/** Log entries are kept this long after they are inside a checkpoint, for instances still waiting on results. */
const KEEP_PROCESSED_MS = 60_000;
/** Wake-ups come through Redis; this poll only covers lost messages. */
const POLL_MS = 1_000;

class LeaseLost extends Error {}

interface Worker {
  partition: number;
  token: number;
  engine: DetectionEngine;
  /** Highest seq folded into the detector state. */
  applied: number;
  /** Highest seq whose detections are stored. */
  cursor: number;
  stopped: boolean;
  draining: Promise<void> | null;
  again: boolean;
  /** Processing failed: the state may hold values that were not stored; reload from the checkpoint first. */
  broken: boolean;
}

/**
 * The owner side of cluster mode: one detection engine per owned partition. On taking a partition it loads the
 * checkpointed series, replays the log from the checkpoint (updating state only up to the stored cursor, so no
 * anomaly is stored twice) and then consumes new entries in order. Each entry's anomalies and the cursor commit
 * in one transaction fenced on the lease token; checkpoints store the series with their log position, fenced too.
 */
export function createPartitionWorkers(deps: {
  db: Kysely<Database>;
  cluster: ClusterApi;
  series: SeriesRepository;
  anomalies: AnomaliesRepository;
  clock: Clock;
  logger: Logger;
  checkpointMs: number;
  scorerFor: (organizationId: string) => ExtraScorer | undefined;
  /** Threat analysis of an entry's log lines: must be idempotent per event id (it runs again after a failover). */
  analyzeLogs: (organizationId: string, events: IngestEvent[]) => Promise<void>;
  published: (organizationId: string, anomalies: IngestOutcome['anomalies']) => void;
}) {
  const { cluster, logger } = deps;
  const workers = new Map<number, Worker>();

  function newEngine(w: Omit<Worker, 'engine'>): DetectionEngine {
    return createDetectionEngine({
      series: deps.series,
      logger,
      options: { checkpointMs: deps.checkpointMs },
      persist: async (rows) => {
        const seq = w.applied;
        await deps.db.transaction().execute(async (trx) => {
          await deps.series.saveMany(rows, trx);
          if (!(await cluster.saveCheckpointSeq(trx, w.partition, w.token, seq))) throw new LeaseLost('partition lease lost');
        });
        cluster.prune(w.partition, seq, deps.clock.now() - KEEP_PROCESSED_MS).catch(() => undefined);
      },
    });
  }

  async function processEntry(w: Worker, entry: LogEntry) {
    const events = JSON.parse(entry.events) as IngestEvent[];
    const org = entry.organizationId;
    const replay = entry.seq <= w.cursor;
    if (!replay && events.some((e) => e.type === 'log')) await deps.analyzeLogs(org, events);
    const now = deps.clock.now();
    const outcome = await w.engine.run(org, events.flatMap(keysOf), (states) => {
      const detections = detect(events, states, deps.scorerFor(org));
      const anomalies = anomalyRows(org, events, detections, now);
      return {
        commit: async () => {
          if (replay) {
            w.applied = entry.seq;
            return null;
          }
          const result: EntryResult = { detections: detections.map(({ eventIndex, ...d }) => ({ ...d, eventId: events[eventIndex]!.id })), anomalies };
          const text = JSON.stringify(result);
          // Without anomalies the fenced cursor update is one statement: atomic without a transaction.
          const fenced =
            anomalies.length === 0
              ? await cluster.commitProcessed(deps.db, w.partition, w.token, entry.seq)
              : await deps.db.transaction().execute(async (trx) => {
                  await deps.anomalies.insertMany(anomalies, trx);
                  if (!(await cluster.commitProcessed(trx, w.partition, w.token, entry.seq))) throw new LeaseLost('partition lease lost');
                  return true;
                });
          if (!fenced) throw new LeaseLost('partition lease lost');
          w.applied = entry.seq;
          return { text, anomalies };
        },
      };
    });
    if (!outcome) return;
    w.cursor = entry.seq;
    cluster.processed({ partition: w.partition, seq: entry.seq }, outcome.text);
    if (outcome.anomalies.length > 0) deps.published(org, outcome.anomalies);
  }

  async function drainLoop(w: Worker) {
    if (w.broken) await restart(w);
    do {
      w.again = false;
      while (!w.stopped) {
        const entries = await cluster.readAfter(w.partition, w.applied, READ_BATCH);
        for (const entry of entries) {
          if (w.stopped) break;
          await processEntry(w, entry);
        }
        if (entries.length < READ_BATCH) break; // caught up; an append meanwhile sets `again`
      }
    } while (w.again && !w.stopped);
  }

  function drain(w: Worker) {
    if (w.draining) {
      w.again = true;
      return w.draining;
    }
    w.draining = drainLoop(w)
      .catch(async (error) => {
        if (w.stopped) return;
        if (error instanceof LeaseLost) {
          logger.warn({ partition: w.partition }, 'anomalies: partition fenced off (lease lost); stopping it here');
          stop(w);
          return;
        }
        // State may now hold values that were not stored: start the partition over from its checkpoint
        // (on the next wake-up or poll, so a database outage is retried every poll interval).
        logger.error({ err: error, partition: w.partition }, 'anomalies: partition processing failed; restarting from its checkpoint');
        w.broken = true;
      })
      .finally(() => {
        w.draining = null;
        if (w.again && !w.stopped && !w.broken) void drain(w);
      });
    return w.draining;
  }

  async function restart(w: Worker) {
    const state = await cluster.partitionState(w.partition);
    w.applied = state.checkpointSeq;
    w.cursor = state.cursor;
    w.engine = newEngine(w);
    w.broken = false;
  }

  function stop(w: Worker) {
    w.stopped = true;
    if (workers.get(w.partition) === w) workers.delete(w.partition);
  }

  const owner: PartitionOwner = {
    async acquired(partition, token) {
      const state = await cluster.partitionState(partition);
      const base = { partition, token, applied: state.checkpointSeq, cursor: state.cursor, stopped: false, draining: null, again: false, broken: false };
      const w = base as Worker;
      w.engine = newEngine(w);
      workers.set(partition, w);
      void drain(w);
    },
    async releasing(partition) {
      const w = workers.get(partition);
      if (!w) return;
      w.stopped = true;
      await w.draining;
      if (!w.broken) await w.engine.checkpoint();
      workers.delete(partition);
    },
    lost(partition) {
      const w = workers.get(partition);
      if (w) stop(w);
    },
  };

  let unsubscribe: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastCheckpoint = Date.now();

  return {
    owner,
    start() {
      unsubscribe = cluster.onAppended((partition) => {
        const w = workers.get(partition);
        if (w) void drain(w);
      });
      timer = setInterval(() => {
        const due = Date.now() - lastCheckpoint >= deps.checkpointMs;
        if (due) lastCheckpoint = Date.now();
        for (const w of workers.values()) {
          void drain(w);
          if (due) void w.engine.checkpoint();
        }
      }, Math.min(POLL_MS, deps.checkpointMs));
      timer.unref();
    },
    stop() {
      unsubscribe?.();
      if (timer) clearInterval(timer);
    },
    /** Waits until every owned partition has consumed what was appended so far (tests, benchmarks). */
    async idle() {
      await Promise.all([...workers.values()].map((w) => drain(w)));
    },
    owned: () => [...workers.keys()].sort((a, b) => a - b),
  };
}

export type PartitionWorkers = ReturnType<typeof createPartitionWorkers>;
