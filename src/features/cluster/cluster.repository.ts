import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface LogEntry {
  partition: number;
  seq: number;
  organizationId: string;
  events: string;
}

/** Partition leases, the per-partition log of committed events, cursors and members. Dialect-neutral. */
export function createClusterRepository(db: Kysely<Database>) {
  return {
    /** Creates the partition rows once (every instance runs it; existing rows are kept). */
    async ensurePartitions(count: number) {
      const ids = Array.from({ length: count }, (_, partition) => partition);
      await db.insertInto('cluster_partitions').values(ids.map((partition) => ({ partition, owner: null, token: 0, lease_until: 0, cursor: 0, checkpoint_seq: 0 }))).onConflict((oc) => oc.column('partition').doNothing()).execute();
      await db.insertInto('cluster_partition_seq').values(ids.map((partition) => ({ partition, next_seq: 0 }))).onConflict((oc) => oc.column('partition').doNothing()).execute();
    },

    async heartbeat(instanceId: string, now: number, startedAt: number) {
      await db
        .insertInto('cluster_members')
        .values({ instance_id: instanceId, seen_at: now, started_at: startedAt })
        .onConflict((oc) => oc.column('instance_id').doUpdateSet({ seen_at: now }))
        .execute();
    },
    async liveMembers(since: number) {
      const rows = await db.selectFrom('cluster_members').select('instance_id').where('seen_at', '>=', since).orderBy('instance_id').execute();
      return rows.map((r) => r.instance_id);
    },
    async forgetMember(instanceId: string) {
      await db.deleteFrom('cluster_members').where('instance_id', '=', instanceId).execute();
    },
    async forgetMembersBefore(before: number) {
      await db.deleteFrom('cluster_members').where('seen_at', '<', before).execute();
    },

    /** Takes a free or expired partition; returns the new fencing token or null when another instance holds it. */
    async acquire(partition: number, instanceId: string, now: number, until: number): Promise<number | null> {
      const result = await db
        .updateTable('cluster_partitions')
        .set((eb) => ({ owner: instanceId, token: eb('token', '+', 1), lease_until: until }))
        .where('partition', '=', partition)
        .where('lease_until', '<', now)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return null;
      const row = await db.selectFrom('cluster_partitions').select(['token', 'owner']).where('partition', '=', partition).executeTakeFirstOrThrow();
      return row.owner === instanceId ? Number(row.token) : null;
    },
    async renew(partition: number, token: number, until: number) {
      const result = await db.updateTable('cluster_partitions').set({ lease_until: until }).where('partition', '=', partition).where('token', '=', token).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async release(partition: number, token: number) {
      await db.updateTable('cluster_partitions').set({ owner: null, lease_until: 0 }).where('partition', '=', partition).where('token', '=', token).execute();
    },
    async freePartitions(now: number) {
      const rows = await db.selectFrom('cluster_partitions').select('partition').where('lease_until', '<', now).orderBy('partition').execute();
      return rows.map((r) => r.partition);
    },
    async partitionState(partition: number) {
      const row = await db.selectFrom('cluster_partitions').select(['cursor', 'checkpoint_seq', 'token']).where('partition', '=', partition).executeTakeFirstOrThrow();
      return { cursor: Number(row.cursor), checkpointSeq: Number(row.checkpoint_seq), token: Number(row.token) };
    },
    async owners() {
      return db.selectFrom('cluster_partitions').select(['partition', 'owner', 'token', 'lease_until', 'cursor']).orderBy('partition').execute();
    },

    /**
     * Appends one entry per partition inside the ingest transaction. The seq row stays locked until the
     * transaction ends, so entries of a partition commit in seq order and a reader never skips one. Rows are
     * locked in partition order, so two batches over the same partitions never deadlock. (UPDATE ... RETURNING
     * runs on PostgreSQL and on SQLite >= 3.35, which better-sqlite3 bundles.)
     */
    async append(trx: Db, organizationId: string, groups: { partition: number; events: string }[], now: number) {
      const entries: { partition: number; seq: number; organization_id: string; events: string; created_at: number }[] = [];
      for (const group of [...groups].sort((a, b) => a.partition - b.partition)) {
        const row = await trx
          .updateTable('cluster_partition_seq')
          .set((eb) => ({ next_seq: eb('next_seq', '+', 1) }))
          .where('partition', '=', group.partition)
          .returning('next_seq')
          .executeTakeFirstOrThrow();
        entries.push({ partition: group.partition, seq: Number(row.next_seq), organization_id: organizationId, events: group.events, created_at: now });
      }
      await trx.insertInto('cluster_partition_log').values(entries).execute();
      return entries.map((e) => ({ partition: e.partition, seq: e.seq }));
    },
    async readAfter(partition: number, afterSeq: number, limit: number): Promise<LogEntry[]> {
      const rows = await db
        .selectFrom('cluster_partition_log')
        .select(['partition', 'seq', 'organization_id', 'events'])
        .where('partition', '=', partition)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ partition: r.partition, seq: Number(r.seq), organizationId: r.organization_id, events: r.events }));
    },
    /** Advances the cursor only while `token` still holds the partition (the fence); false means the lease was lost. */
    async commitProcessed(trx: Db, partition: number, token: number, seq: number) {
      const fenced = await trx.updateTable('cluster_partitions').set({ cursor: seq }).where('partition', '=', partition).where('token', '=', token).executeTakeFirst();
      return Number(fenced.numUpdatedRows) === 1;
    },
    async saveCheckpointSeq(trx: Db, partition: number, token: number, seq: number) {
      const fenced = await trx.updateTable('cluster_partitions').set({ checkpoint_seq: seq }).where('partition', '=', partition).where('token', '=', token).executeTakeFirst();
      return Number(fenced.numUpdatedRows) === 1;
    },
    /** Which of these entries their owner has processed (their results travel by pub/sub; this is the fallback). */
    async processed(handles: { partition: number; seq: number }[]) {
      const done: string[] = [];
      for (const h of handles) {
        const state = await db.selectFrom('cluster_partitions').select('cursor').where('partition', '=', h.partition).executeTakeFirstOrThrow();
        if (Number(state.cursor) >= h.seq) done.push(`${h.partition}:${h.seq}`);
      }
      return done;
    },
    /** Drops entries already inside the checkpointed state and older than `before` (their waiters are long gone). */
    async prune(partition: number, upToSeq: number, before: number) {
      await db.deleteFrom('cluster_partition_log').where('partition', '=', partition).where('seq', '<=', upToSeq).where('created_at', '<', before).execute();
    },
    async backlog() {
      const rows = await db
        .selectFrom('cluster_partition_log as l')
        .innerJoin('cluster_partitions as p', 'p.partition', 'l.partition')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb('l.seq', '>', eb.ref('p.cursor')))
        .executeTakeFirstOrThrow();
      return Number(rows.n);
    },
  };
}

export type ClusterRepository = ReturnType<typeof createClusterRepository>;
