import type { Kysely } from 'kysely';

/** Tables of the threats feature. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('threats')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('threat_type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('impact_usd', 'double precision', (c) => c.notNull())
    .addColumn('source_ip', 'text')
    .addColumn('user_name', 'text')
    .addColumn('target', 'text')
    .addColumn('source', 'text')
    .addColumn('asset_class', 'text', (c) => c.notNull())
    .addColumn('mitre_attack', 'text', (c) => c.notNull())
    .addColumn('recommended_actions', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('detections', 'text', (c) => c.notNull())
    .addColumn('iocs', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('raw_log', 'text', (c) => c.notNull())
    .addColumn('log_format', 'text')
    .addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('simulation_id', 'text')
    .addColumn('processing_time_ms', 'double precision', (c) => c.notNull())
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('log_time', 'bigint', (c) => c.notNull())
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .addColumn('mitigated_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('threats_org_detected_idx').on('threats').columns(['organization_id', 'detected_at']).execute();
  await db.schema.createIndex('threats_org_status_idx').on('threats').columns(['organization_id', 'status']).execute();
  await db.schema.createIndex('threats_org_severity_idx').on('threats').columns(['organization_id', 'severity']).execute();
  await db.schema.createIndex('threats_org_source_idx').on('threats').columns(['organization_id', 'source_ip', 'threat_type']).execute();

  await db.schema
    .createTable('threat_timeline')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('threat_id', 'text', (c) => c.notNull().references('threats.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addColumn('actor', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('threat_timeline_threat_idx').on('threat_timeline').columns(['threat_id', 'at', 'seq']).execute();
  await db.schema.createIndex('threat_timeline_org_idx').on('threat_timeline').column('organization_id').execute();

  await db.schema
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('threat_id', 'text', (c) => c.notNull().references('threats.id').onDelete('cascade'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approval_status', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'bigint')
    .addColumn('approval_comment', 'text')
    .addColumn('estimated_success', 'double precision', (c) => c.notNull())
    .addColumn('success_rate', 'double precision')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('playbooks_org_created_idx').on('playbooks').columns(['organization_id', 'created_at']).execute();
  await db.schema.createIndex('playbooks_threat_idx').on('playbooks').column('threat_id').execute();

  await db.schema
    .createTable('playbook_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id').onDelete('cascade'))
    .addColumn('step_order', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duration_ms', 'double precision')
    .addColumn('estimated_success', 'double precision', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('playbook_steps_playbook_idx').on('playbook_steps').columns(['playbook_id', 'step_order']).execute();

  await db.schema
    .createTable('threat_blocklist')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('threat_id', 'text')
    .addColumn('playbook_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('threat_blocklist_pk', ['organization_id', 'ip'])
    .execute();

  await db.schema
    .createTable('threat_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('threat_id', 'text', (c) => c.notNull())
    .addColumn('playbook_id', 'text')
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('threat_evidence_org_threat_idx').on('threat_evidence').columns(['organization_id', 'threat_id']).execute();

  await db.schema
    .createTable('threat_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('yaml', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('threat_rules_org_rule_uq', ['organization_id', 'rule_id'])
    .execute();

  await db.schema
    .createTable('threat_agent_configs')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('timeout_s', 'integer', (c) => c.notNull())
    .addColumn('retry_attempts', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('threat_agent_configs_pk', ['organization_id', 'agent'])
    .execute();

  await db.schema
    .createTable('threat_agent_stats')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('processed', 'integer', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('total_ms', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('threat_agent_stats_pk', ['organization_id', 'agent', 'day'])
    .execute();

  await db.schema
    .createTable('threat_line_counts')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('simulated', 'integer', (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('threats', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('threat_line_counts_pk', ['organization_id', 'hour', 'simulated'])
    .execute();

  await db.schema
    .createTable('threat_simulations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('attack_type', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('intensity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_ip', 'text', (c) => c.notNull())
    .addColumn('lines_generated', 'integer', (c) => c.notNull())
    .addColumn('threats_detected', 'integer', (c) => c.notNull())
    .addColumn('threat_ids', 'text', (c) => c.notNull())
    .addColumn('estimated_duration_s', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('threat_simulations_org_idx').on('threat_simulations').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('threat_correlation_state')
    .addColumn('organization_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('checkpoint_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('threat_log_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('user_name', 'text')
    .addColumn('log_time', 'bigint', (c) => c.notNull())
    .addColumn('threat_id', 'text')
    .addColumn('simulated', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('threat_log_lines_org_received_idx').on('threat_log_lines').columns(['organization_id', 'received_at']).execute();
  await db.schema.createIndex('threat_log_lines_org_ip_idx').on('threat_log_lines').columns(['organization_id', 'source_ip', 'log_time']).execute();
  await db.schema.createIndex('threat_log_lines_org_user_idx').on('threat_log_lines').columns(['organization_id', 'user_name', 'log_time']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'threat_log_lines',
    'threat_correlation_state',
    'threat_simulations',
    'threat_line_counts',
    'threat_agent_stats',
    'threat_agent_configs',
    'threat_rules',
    'threat_evidence',
    'threat_blocklist',
    'playbook_steps',
    'playbooks',
    'threat_timeline',
    'threats',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
