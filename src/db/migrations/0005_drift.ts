import type { Kysely } from 'kysely';

/** Tables of the drift feature: live inventory, drift jobs and results, cost history. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('drift_resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('usage', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('drift_resources_identity', ['organization_id', 'provider', 'type', 'resource_id'])
    .execute();
  await db.schema.createIndex('drift_resources_org_type_idx').on('drift_resources').columns(['organization_id', 'type']).execute();

  await db.schema
    .createTable('drift_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('result_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('state_id', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('drift_jobs_status_idx').on('drift_jobs').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('drift_jobs_org_idx').on('drift_jobs').column('organization_id').execute();

  await db.schema
    .createTable('drift_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('state_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('drift_detected', 'integer', (c) => c.notNull())
    .addColumn('drift_count', 'integer', (c) => c.notNull())
    .addColumn('resources_checked', 'integer', (c) => c.notNull())
    .addColumn('critical_count', 'integer', (c) => c.notNull())
    .addColumn('high_count', 'integer', (c) => c.notNull())
    .addColumn('medium_count', 'integer', (c) => c.notNull())
    .addColumn('low_count', 'integer', (c) => c.notNull())
    .addColumn('drifts', 'text', (c) => c.notNull())
    .addColumn('remediation', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('drift_results_org_created_idx').on('drift_results').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('drift_cost_snapshots')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('monthly_cents', 'bigint', (c) => c.notNull())
    .addColumn('compute_cents', 'bigint', (c) => c.notNull())
    .addColumn('storage_cents', 'bigint', (c) => c.notNull())
    .addColumn('network_cents', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('drift_cost_snapshots_pk', ['organization_id', 'resource_id', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['drift_cost_snapshots', 'drift_results', 'drift_jobs', 'drift_resources']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
