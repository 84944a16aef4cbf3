import type { Kysely } from 'kysely';

/** The web console's sessions, and the index the cross-engine findings list reads drift results through. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('console_sessions_user_idx').on('console_sessions').columns(['user_id']).execute();
  await db.schema
    .createIndex('drift_results_org_detected_created_idx')
    .on('drift_results')
    .columns(['organization_id', 'drift_detected', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('drift_results_org_detected_created_idx').execute();
  await db.schema.dropTable('console_sessions').execute();
}
