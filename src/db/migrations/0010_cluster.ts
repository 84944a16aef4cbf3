import type { Kysely } from 'kysely';

/**
 * Cluster mode (several instances on one PostgreSQL and one Redis): partition leases with fencing tokens, the
 * per-partition log of committed anomaly events (the outbox the owner consumes in order), and live members.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cluster_partitions')
    .addColumn('partition', 'integer', (c) => c.primaryKey())
    .addColumn('owner', 'text')
    .addColumn('token', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
    /** Highest log seq whose detections are stored (never stored twice). */
    .addColumn('cursor', 'bigint', (c) => c.notNull().defaultTo(0))
    /** Highest log seq included in the checkpointed detector state (replay starts after it). */
    .addColumn('checkpoint_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  // Kept apart from the lease row so ingest (which allocates) and the owner (which advances) do not wait on each other.
  await db.schema
    .createTable('cluster_partition_seq')
    .addColumn('partition', 'integer', (c) => c.primaryKey())
    .addColumn('next_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('cluster_partition_log')
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cluster_partition_log_pk', ['partition', 'seq'])
    .execute();

  await db.schema
    .createTable('cluster_members')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['cluster_members', 'cluster_partition_log', 'cluster_partition_seq', 'cluster_partitions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
