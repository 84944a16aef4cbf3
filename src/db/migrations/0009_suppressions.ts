import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

const NINETY_DAYS_MS = 90 * 86_400_000;

/** Splits a .driftignore pattern on unescaped dots (`\.` is a literal dot). */
function segments(pattern: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && pattern[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '.') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** The suppression `match` a positive drift ignore line stands for (type, name, field and below). */
export function ignoreLineToMatch(line: string): Record<string, string> | null {
  const pattern = line.trim();
  if (!pattern || pattern.startsWith('#') || pattern.startsWith('!')) return null;
  const [type, name, ...field] = segments(pattern);
  const match: Record<string, string> = { resource_type: type || '*' };
  if (name && name !== '*') match.resource_name = name;
  if (field.length > 0) match.drift_field = field.join('.');
  return match;
}

/**
 * One suppression model for every engine (suppressions, allowlist), the `suppressed_by` column on each engine's
 * findings, and the anomaly resolution record. Stored drift ignore rules become suppressions (negations stay).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('suppressions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('allow_critical', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('schedule_cron', 'text')
    .addColumn('schedule_duration_s', 'integer')
    .addColumn('schedule_tz', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('suppressions_org_idx').on('suppressions').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('allowlist')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('allowlist_value_uq', ['organization_id', 'value'])
    .execute();

  for (const table of ['anomalies', 'threats', 'drift_results']) {
    await db.schema.alterTable(table).addColumn('suppressed_by', 'text').execute();
  }
  await db.schema.alterTable('anomalies').addColumn('resolution', 'text').execute();
  await db.schema.alterTable('anomalies').addColumn('normal_streak', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('anomalies_org_series_idx').on('anomalies').columns(['organization_id', 'series_key', 'status']).execute();

  const stored = await db.selectFrom('settings').select(['organization_id', 'value']).where('key', '=', 'drift.ignore_rules').execute();
  const now = Date.now();
  for (const row of stored as { organization_id: string; value: string }[]) {
    let lines: unknown;
    try {
      lines = JSON.parse(row.value);
    } catch {
      continue;
    }
    if (!Array.isArray(lines)) continue;
    const kept: string[] = [];
    for (const line of lines) {
      if (typeof line !== 'string') continue;
      const match = ignoreLineToMatch(line);
      if (!match) {
        if (line.trim().startsWith('!')) kept.push(line);
        continue;
      }
      await db
        .insertInto('suppressions')
        .values({
          id: randomUUID(),
          organization_id: row.organization_id,
          engine: 'drift',
          match: JSON.stringify(match),
          reason: `Migrated from the drift ignore rule "${line.trim()}"`,
          owner: 'migration',
          created_by: 'migration',
          allow_critical: 1,
          expires_at: now + NINETY_DAYS_MS,
          schedule_cron: null,
          schedule_duration_s: null,
          schedule_tz: null,
          origin: 'drift_ignore_rule',
          created_at: now,
        })
        .execute();
    }
    await db.updateTable('settings').set({ value: JSON.stringify(kept), updated_at: now }).where('organization_id', '=', row.organization_id).where('key', '=', 'drift.ignore_rules').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('anomalies_org_series_idx').execute();
  await db.schema.alterTable('anomalies').dropColumn('normal_streak').execute();
  await db.schema.alterTable('anomalies').dropColumn('resolution').execute();
  for (const table of ['anomalies', 'threats', 'drift_results']) {
    await db.schema.alterTable(table).dropColumn('suppressed_by').execute();
  }
  await db.schema.dropTable('allowlist').execute();
  await db.schema.dropTable('suppressions').execute();
}
