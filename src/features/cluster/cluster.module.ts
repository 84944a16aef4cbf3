import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import { createRedis } from '../../lib/redis';
import type { ClusterApi } from './cluster.api';
import { createClusterRepository } from './cluster.repository';
import { createLeaseManager, type PartitionOwner } from './leases';
import { partitionOf } from './partition';
import { createPartitionLog } from './partition-log';

export interface ClusterOptions {
  partitions: number;
  leaseMs: number;
  renewMs: number;
}

export interface ClusterHealth {
  instance_id: string;
  partitions_total: number;
  partitions_owned: number[];
}

/**
 * Cluster mode: partition ownership (leases with fencing tokens in the database), the partition log and its
 * Redis wake-ups. Built only when several instances may share the database (VIGIL_REDIS_URL set); a single
 * instance never builds it and keeps everything in-process.
 */
export function createClusterModule(deps: { db: Kysely<Database>; redisUrl: string | null; logger: Logger; options: ClusterOptions; /** Same on every instance of one database (stored in it). */ namespace: string }) {
  const { logger, options } = deps;
  const instanceId = newId();
  const repo = createClusterRepository(deps.db);
  const publisher = deps.redisUrl ? createRedis(deps.redisUrl) : null;
  const subscriber = deps.redisUrl ? createRedis(deps.redisUrl) : null;
  const log = createPartitionLog({ repo, publisher, subscriber, logger, now: () => Date.now(), namespace: deps.namespace });
  let owner: PartitionOwner | null = null;
  const leases = createLeaseManager({
    repo,
    instanceId,
    logger,
    options,
    owner: {
      acquired: (p, token) => owner?.acquired(p, token) ?? Promise.resolve(),
      releasing: (p) => owner?.releasing(p) ?? Promise.resolve(),
      lost: (p) => owner?.lost(p),
    },
  });

  const api: ClusterApi = {
    instanceId,
    partitions: options.partitions,
    partitionOf: (organizationId, key) => partitionOf(options.partitions, organizationId, key),
    setOwner: (next) => void (owner = next),
    owned: () => leases.held(),
    append: log.append,
    announce: log.announce,
    onAppended: log.onAppended,
    processed: log.processed,
    awaitResults: log.awaitResults,
    keyOf: log.keyOf,
    readAfter: repo.readAfter,
    partitionState: repo.partitionState,
    commitProcessed: repo.commitProcessed,
    saveCheckpointSeq: repo.saveCheckpointSeq,
    prune: repo.prune,
  };

  let closed = false;
  function disconnect() {
    publisher?.disconnect();
    subscriber?.disconnect();
  }

  return {
    api,
    health: (): ClusterHealth => ({ instance_id: instanceId, partitions_total: options.partitions, partitions_owned: leases.held() }),
    /** Takes a fair share of partitions now, then keeps balancing every renewMs. */
    start: () => leases.start(),
    /** Graceful: hands every owned partition off, checkpointed. */
    async stop() {
      if (closed) return;
      closed = true;
      await leases.stop();
      disconnect();
    },
    /** Stops as a killed process would (no hand-off, no checkpoint): for failover tests and the hand-off benchmark. */
    abandon() {
      if (closed) return;
      closed = true;
      leases.abandon();
      disconnect();
    },
    tick: leases.tick,
  };
}

export type ClusterModule = ReturnType<typeof createClusterModule>;
