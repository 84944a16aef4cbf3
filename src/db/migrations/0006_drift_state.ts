import type { Kysely } from 'kysely';

/** Tables of the drift feature's state side (backends, state files, versions, locks). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('state_backends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('locator', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_checked', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('state_backends_locator_uq', ['organization_id', 'locator'])
    .execute();

  await db.schema
    .createTable('state_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('backend_id', 'text', (c) => c.notNull().references('state_backends.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('present', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('latest_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('serial', 'bigint')
    .addColumn('lineage', 'text')
    .addColumn('terraform_version', 'text')
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('resource_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('content_md5', 'text')
    .addColumn('last_modified', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('state_files_path_uq', ['backend_id', 'path'])
    .execute();
  await db.schema.createIndex('state_files_org_idx').on('state_files').columns(['organization_id', 'backend_id']).execute();

  await db.schema
    .createTable('state_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('state_id', 'text', (c) => c.notNull().references('state_files.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('serial', 'bigint', (c) => c.notNull())
    .addColumn('lineage', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('state_versions_slot_uq', ['state_id', 'version'])
    .execute();
  await db.schema.createIndex('state_versions_org_idx').on('state_versions').column('organization_id').execute();

  await db.schema
    .createTable('state_locks')
    .addColumn('state_id', 'text', (c) => c.primaryKey().references('state_files.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('lock_id', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('info', 'text', (c) => c.notNull())
    .addColumn('who', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('holder_user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('state_locks_org_idx').on('state_locks').column('organization_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['state_locks', 'state_versions', 'state_files', 'state_backends']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
