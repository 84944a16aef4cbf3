import type { Kysely } from 'kysely';
import type { ClusterApi } from '../cluster/cluster.api';
import type { Database } from '../../db/schema';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { EventsRepository } from './anomalies-events.repository';
import type { Detection, IngestEvent } from './detection';
import { toRow, type IngestOutcome } from './ingest.service';

/** What a partition owner records for an entry: detections name their event, so the taker can map them back. */
export interface EntryResult {
  detections: (Omit<Detection, 'eventIndex'> & { eventId: string })[];
  anomalies: IngestOutcome['anomalies'];
}

/**
 * Cluster-mode ingest: the batch's events and one log entry per partition (partition = organization + source,
 * so every series of a source lives in one partition) commit in one transaction; that commit is the 2xx. The
 * owners detect in log order; this instance waits up to `waitMs` for their results to answer with them.
 */
export function createPartitionedIngest(deps: { db: Kysely<Database>; events: EventsRepository; cluster: ClusterApi; clock: Clock; logger: Logger; waitMs: number }) {
  const { cluster } = deps;

  async function ingest(organizationId: string, events: IngestEvent[]): Promise<IngestOutcome> {
    const now = deps.clock.now();
    const groups = new Map<number, IngestEvent[]>();
    for (const event of events) {
      const partition = cluster.partitionOf(organizationId, event.source);
      const list = groups.get(partition);
      if (list) list.push(event);
      else groups.set(partition, [event]);
    }
    const rows = events.map((e) => toRow(organizationId, e, now));
    const handles = await deps.db.transaction().execute(async (trx) => {
      await deps.events.insertMany(rows, trx);
      return cluster.append(trx, organizationId, [...groups].map(([partition, list]) => ({ partition, events: JSON.stringify(list) })));
    });
    cluster.announce(handles);

    const results = await cluster.awaitResults(handles, deps.waitMs);
    if (results.size < handles.length) {
      deps.logger.warn({ pending: handles.length - results.size }, 'anomalies: committed events not yet detected by their partition owner; detection continues in the background');
    }
    const indexOf = new Map(events.map((e, i) => [e.id, i]));
    const detections: Detection[] = [];
    const anomalies: IngestOutcome['anomalies'] = [];
    for (const text of results.values()) {
      if (!text) continue;
      const result = JSON.parse(text) as EntryResult;
      for (const { eventId, ...d } of result.detections) detections.push({ ...d, eventIndex: indexOf.get(eventId) ?? -1 });
      anomalies.push(...result.anomalies);
    }
    detections.sort((a, b) => a.eventIndex - b.eventIndex);
    return { events, detections, anomalies };
  }

  return { ingest };
}

export type PartitionedIngest = ReturnType<typeof createPartitionedIngest>;
