import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { LogEntry } from './cluster.repository';
import type { PartitionOwner } from './leases';
import type { LogHandle } from './partition-log';

export type { LogEntry, LogHandle, PartitionOwner };

type Db = Kysely<Database> | Transaction<Database>;

/** What the anomaly engine receives in cluster mode: where an event belongs, the log, and the partitions it owns. */
export interface ClusterApi {
  instanceId: string;
  partitions: number;
  partitionOf(organizationId: string, key: string): number;
  /** Registers the one consumer of owned partitions (before start). */
  setOwner(owner: PartitionOwner): void;
  owned(): number[];
  append(trx: Db, organizationId: string, groups: { partition: number; events: string }[]): Promise<LogHandle[]>;
  announce(handles: LogHandle[]): void;
  onAppended(listener: (partition: number) => void): () => void;
  processed(handle: LogHandle, result: string): void;
  awaitResults(handles: LogHandle[], timeoutMs: number): Promise<Map<string, string | null>>;
  keyOf(handle: LogHandle): string;
  readAfter(partition: number, afterSeq: number, limit: number): Promise<LogEntry[]>;
  partitionState(partition: number): Promise<{ cursor: number; checkpointSeq: number; token: number }>;
  /** In the caller's transaction, fenced on the token: false when the lease was lost (roll back). */
  commitProcessed(trx: Db, partition: number, token: number, seq: number): Promise<boolean>;
  saveCheckpointSeq(trx: Db, partition: number, token: number, seq: number): Promise<boolean>;
  prune(partition: number, upToSeq: number, before: number): Promise<void>;
}
