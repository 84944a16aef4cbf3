import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { DriftResourcesTable } from '../../db/tables/drift';
import { fromJson, toJson } from '../../db/columns';
import { newId } from '../../lib/ids';
import type { LiveResource } from './drift.types';
import type { CollectedResource } from './inventory/inventory.types';

export type ResourceRow = Selectable<DriftResourcesTable>;
type Db = Kysely<Database> | Transaction<Database>;

export interface StoredResource extends LiveResource {
  source: string;
  accountId: string | null;
  createdAt: number;
  updatedAt: number;
}

export function toStoredResource(row: ResourceRow): StoredResource {
  return {
    id: row.id, provider: row.provider, source: row.source, type: row.type, resourceId: row.resource_id, name: row.name,
    region: row.region, accountId: row.account_id, status: row.status,
    tags: fromJson<Record<string, string>>(row.tags, {}), attributes: fromJson<Record<string, unknown>>(row.attributes, {}),
    usage: fromJson<Record<string, number>>(row.usage, {}), createdAt: Number(row.created_at), updatedAt: Number(row.updated_at),
  };
}

export interface ResourceFilters {
  provider?: string;
  type?: string;
  region?: string;
}

/** The live inventory (`drift_resources`), one row per organization + provider + type + provider id. */
export function createResourcesRepository(db: Kysely<Database>) {
  return {
    /** Inserts or updates each resource (one read of the provider's rows, batched inserts); returns the ids of rows that changed. */
    async upsertMany(organizationId: string, provider: string, source: string, resources: CollectedResource[], now: number, trx?: Db): Promise<string[]> {
      const run = async (tx: Db) => {
        const existingRows = await tx.selectFrom('drift_resources').selectAll().where('organization_id', '=', organizationId).where('provider', '=', provider).execute();
        const existing = new Map(existingRows.map((row) => [`${row.type}\u0000${row.resource_id}`, row]));
        const changed: string[] = [];
        const inserts: ResourceRow[] = [];
        for (const resource of resources) {
          const found = existing.get(`${resource.type}\u0000${resource.resourceId}`);
          const values = {
            source, name: resource.name, region: resource.region, account_id: resource.accountId, status: resource.status,
            tags: toJson(resource.tags), attributes: toJson(resource.attributes), usage: toJson(resource.usage),
          };
          if (!found) {
            const id = newId();
            inserts.push({ id, organization_id: organizationId, provider, type: resource.type, resource_id: resource.resourceId, ...values, created_at: now, updated_at: now });
            changed.push(id);
          } else if (Object.entries(values).some(([key, value]) => found[key as keyof ResourceRow] !== value)) {
            await tx.updateTable('drift_resources').set({ ...values, updated_at: now }).where('id', '=', found.id).execute();
            changed.push(found.id);
          }
        }
        for (let i = 0; i < inserts.length; i += 200) await tx.insertInto('drift_resources').values(inserts.slice(i, i + 200)).execute();
        return changed;
      };
      return trx ? run(trx) : db.transaction().execute(run);
    },
    /** Removes rows of one source that the latest collection no longer reported. */
    async deleteMissing(organizationId: string, provider: string, source: string, keep: CollectedResource[], trx?: Db): Promise<number> {
      const tx = trx ?? db;
      const rows = await tx.selectFrom('drift_resources').select(['id', 'type', 'resource_id']).where('organization_id', '=', organizationId).where('provider', '=', provider).where('source', '=', source).execute();
      const kept = new Set(keep.map((r) => `${r.type}\u0000${r.resourceId}`));
      const gone = rows.filter((row) => !kept.has(`${row.type}\u0000${row.resource_id}`)).map((row) => row.id);
      for (let i = 0; i < gone.length; i += 500) {
        await tx.deleteFrom('drift_resources').where('organization_id', '=', organizationId).where('id', 'in', gone.slice(i, i + 500)).execute();
      }
      return gone.length;
    },
    async list(organizationId: string, filters: ResourceFilters = {}): Promise<StoredResource[]> {
      let query = db.selectFrom('drift_resources').selectAll().where('organization_id', '=', organizationId);
      if (filters.provider) query = query.where('provider', '=', filters.provider);
      if (filters.type) query = query.where('type', '=', filters.type);
      if (filters.region) query = query.where('region', '=', filters.region);
      const rows = await query.orderBy('type').orderBy('name').orderBy('id').execute();
      return rows.map(toStoredResource);
    },
    /** By Vigil id, or by the provider's id when no row has that Vigil id. */
    async find(organizationId: string, id: string): Promise<StoredResource | null> {
      const byId = await db.selectFrom('drift_resources').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      if (byId) return toStoredResource(byId);
      const byProviderId = await db.selectFrom('drift_resources').selectAll().where('organization_id', '=', organizationId).where('resource_id', '=', id).orderBy('created_at').executeTakeFirst();
      return byProviderId ? toStoredResource(byProviderId) : null;
    },
    async updateTags(organizationId: string, id: string, tags: Record<string, string>, now: number): Promise<void> {
      await db.updateTable('drift_resources').set({ tags: toJson(tags), updated_at: now }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
    },
    async count(organizationId: string): Promise<number> {
      const row = await db.selectFrom('drift_resources').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type ResourcesRepository = ReturnType<typeof createResourcesRepository>;
