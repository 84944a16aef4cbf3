import type { Kysely } from 'kysely';

/** Tables of the anomalies feature. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('anomaly_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('value', 'double precision')
    .addColumn('level', 'text')
    .addColumn('message', 'text')
    .addColumn('trace_id', 'text')
    .addColumn('span_id', 'text')
    .addColumn('duration_ms', 'double precision')
    .addColumn('metadata', 'text')
    .addColumn('point_id', 'text')
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anomaly_events_org_time_idx').on('anomaly_events').columns(['organization_id', 'timestamp']).execute();
  await db.schema.createIndex('anomaly_events_org_source_idx').on('anomaly_events').columns(['organization_id', 'source', 'timestamp']).execute();

  await db.schema
    .createTable('anomalies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('series_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('expected', 'double precision')
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('detector', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text')
    .addColumn('point_id', 'text')
    .addColumn('notes', 'text')
    .addColumn('is_false_positive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('anomalies_org_time_idx').on('anomalies').columns(['organization_id', 'detected_at']).execute();
  await db.schema.createIndex('anomalies_org_status_idx').on('anomalies').columns(['organization_id', 'status']).execute();

  await db.schema
    .createTable('anomaly_series')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('series_key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('anomaly_series_pk', ['organization_id', 'series_key'])
    .execute();

  await db.schema
    .createTable('alert_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('escalation', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_rules_org_idx').on('alert_rules').column('organization_id').execute();

  await db.schema
    .createTable('alert_firings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('anomaly_id', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'bigint', (c) => c.notNull())
    .addColumn('escalate_at', 'bigint')
    .addColumn('escalated_at', 'bigint')
    .addColumn('deliveries', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_firings_escalate_idx').on('alert_firings').columns(['escalated_at', 'escalate_at']).execute();
  await db.schema.createIndex('alert_firings_anomaly_idx').on('alert_firings').column('anomaly_id').execute();

  await db.schema
    .createTable('anomaly_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('hyperparameters', 'text', (c) => c.notNull())
    .addColumn('data_range', 'text')
    .addColumn('metrics', 'text')
    .addColumn('model', 'text')
    .addColumn('error', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('training_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('trained_at', 'bigint')
    .execute();
  await db.schema.createIndex('anomaly_models_org_idx').on('anomaly_models').column('organization_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['anomaly_models', 'alert_firings', 'alert_rules', 'anomaly_series', 'anomalies', 'anomaly_events']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
