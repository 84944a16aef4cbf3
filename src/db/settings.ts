import type { Kysely } from 'kysely';
import type { Database } from './schema';
import { fromJson, toJson } from './columns';

/** Server-wide settings use this organization id. */
export const SERVER_SCOPE = '*';

/** A small JSON key/value store per organization (configuration documents that admins edit). */
export function createSettingsStore(db: Kysely<Database>) {
  return {
    async get<T>(organizationId: string, key: string, fallback: T): Promise<T> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('organization_id', '=', organizationId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? fromJson<T>(row.value, fallback) : fallback;
    },
    async put(organizationId: string, key: string, value: unknown, at = Date.now()): Promise<void> {
      const text = toJson(value);
      await db
        .insertInto('settings')
        .values({ organization_id: organizationId, key, value: text, updated_at: at })
        .onConflict((oc) => oc.columns(['organization_id', 'key']).doUpdateSet({ value: text, updated_at: at }))
        .execute();
    },
    /** Inserts only if absent; returns the stored value (ours or the one that won the race). */
    async putIfAbsent<T>(organizationId: string, key: string, value: T, at = Date.now()): Promise<T> {
      await db
        .insertInto('settings')
        .values({ organization_id: organizationId, key, value: toJson(value), updated_at: at })
        .onConflict((oc) => oc.columns(['organization_id', 'key']).doNothing())
        .execute();
      return this.get<T>(organizationId, key, value);
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
