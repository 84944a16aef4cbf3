import type { EventBus } from '../../events/bus';
import type { SettingsStore } from '../../db/settings';
import { isUniqueViolation } from '../../db/unique';
import type { Clock } from '../../lib/clock';
import { toIso } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { Principal } from '../../server/types';
import { evaluateCompliance } from './compliance/compliance-checks';
import type { CostService } from './cost/cost.service';
import { estimateMonthlyCost } from './cost/cost-model';
import { itemsOf, normalizeInventoryItem, type InventoryDocument } from './inventory/inventory-item';
import type { InventoryProvider } from './inventory/inventory.types';
import type { WorkspaceInventoryFile } from './inventory/providers/snapshot.provider';
import { matchesTags, parseTagFilter, rankResources } from './resource-search';
import type { ResourcesRepository, StoredResource } from './resources.repository';

const WORKSPACE_HASHES_KEY = 'drift.workspace_inventory';
const WORKSPACE_RECHECK_MS = 5_000;

export function publicResource(resource: StoredResource) {
  return {
    id: resource.id, provider: resource.provider, type: resource.type, name: resource.name, region: resource.region, status: resource.status,
    resource_id: resource.resourceId, account_id: resource.accountId, source: resource.source, tags: resource.tags,
    created_at: toIso(resource.createdAt), updated_at: toIso(resource.updatedAt),
  };
}

/**
 * The live inventory of an organization: pushed items, the workspace's inventory files (default organization)
 * and provider collections, stored per organization; listing, search, details with cost and compliance, and tag
 * updates on writable providers.
 */
export function createInventoryService(deps: {
  repo: ResourcesRepository;
  costs: CostService;
  settings: SettingsStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  providers: InventoryProvider[];
  workspace: { enabledFor(organizationId: string): Promise<boolean>; readWorkspace(): WorkspaceInventoryFile[] };
  requiredTags: string[];
}) {
  const { repo, costs, clock, bus } = deps;
  const lastWorkspaceCheck = new Map<string, number>();
  const writable = new Set(deps.providers.filter((p) => p.writable).map((p) => p.name));

  async function store(organizationId: string, provider: string, source: string, resources: ReturnType<typeof normalizeInventoryItem>[], replace: boolean) {
    const now = clock.now();
    let changed: string[];
    try {
      changed = await repo.upsertMany(organizationId, provider, source, resources, now);
    } catch (error) {
      // A concurrent push inserted the same resource first: the retry sees its row and updates it.
      if (!isUniqueViolation(error)) throw error;
      changed = await repo.upsertMany(organizationId, provider, source, resources, now);
    }
    const removed = replace ? await repo.deleteMissing(organizationId, provider, source, resources) : 0;
    if (changed.length) {
      const rows = await repo.list(organizationId);
      const set = new Set(changed);
      await costs.record(organizationId, rows.filter((row) => set.has(row.id)));
    }
    return { changed, removed };
  }

  /** Loads the workspace inventory files into the default organization when their content changed. */
  const inflight = new Map<string, Promise<void>>();
  function syncWorkspace(organizationId: string): Promise<void> {
    const running = inflight.get(organizationId);
    if (running) return running;
    const work = syncWorkspaceOnce(organizationId).finally(() => inflight.delete(organizationId));
    inflight.set(organizationId, work);
    return work;
  }

  async function syncWorkspaceOnce(organizationId: string): Promise<void> {
    const last = lastWorkspaceCheck.get(organizationId) ?? 0;
    if (clock.now() - last < WORKSPACE_RECHECK_MS && last !== 0) return;
    lastWorkspaceCheck.set(organizationId, clock.now());
    if (!(await deps.workspace.enabledFor(organizationId))) return;
    const hashes = await deps.settings.get<Record<string, string>>(organizationId, WORKSPACE_HASHES_KEY, {});
    let dirty = false;
    for (const file of deps.workspace.readWorkspace()) {
      if (hashes[file.source] === file.hash) continue;
      await store(organizationId, 'snapshot', file.source, file.resources, true);
      hashes[file.source] = file.hash;
      dirty = true;
    }
    if (dirty) await deps.settings.put(organizationId, WORKSPACE_HASHES_KEY, hashes, clock.now());
  }

  async function requireResource(organizationId: string, id: string): Promise<StoredResource> {
    await syncWorkspace(organizationId);
    const found = await repo.find(organizationId, id);
    if (!found) throw notFound('Resource');
    return found;
  }

  return {
    writableProviders: writable,
    syncWorkspace,
    requireResource,
    recordCosts: (organizationId: string, resources: StoredResource[]) => costs.record(organizationId, resources),
    /** Every live resource of the organization (the drift engine's actual side). */
    async liveResources(organizationId: string): Promise<StoredResource[]> {
      await syncWorkspace(organizationId);
      return repo.list(organizationId);
    },
    /** Runs the read-only providers (aws) for the organization and stores what they report. */
    async collect(organizationId: string) {
      const report: { provider: string; source: string; resources: number; changed: number; removed: number }[] = [];
      for (const provider of deps.providers) {
        if (provider.name === 'snapshot' || !(await provider.enabledFor(organizationId))) continue;
        for (const batch of await provider.collect(organizationId)) {
          const { changed, removed } = await store(organizationId, provider.name, batch.source, batch.resources, true);
          report.push({ provider: provider.name, source: batch.source, resources: batch.resources.length, changed: changed.length, removed });
        }
      }
      return report;
    },
    async push(principal: Principal, document: InventoryDocument) {
      const items = itemsOf(document);
      const resources = items.map((item) => normalizeInventoryItem(item, { accountId: document.accountId }));
      const seen = new Set<string>();
      for (const [index, resource] of resources.entries()) {
        const key = `${resource.type}\u0000${resource.resourceId}`;
        if (seen.has(key)) throw new AppError({ code: 'VALIDATION_ERROR', message: `Duplicate item ${resource.type} ${resource.resourceId}`, details: [{ field: `body.items.${index}`, message: 'duplicate type + resourceId' }] });
        seen.add(key);
      }
      const source = document.source ? `push:${document.source}` : 'push';
      const { changed, removed } = await store(principal.organizationId, 'snapshot', source, resources, document.replace === true);
      return { received: resources.length, changed: changed.length, unchanged: resources.length - changed.length, removed, source, provider: 'snapshot' };
    },
    async list(principal: Principal, query: { provider?: string; type?: string; region?: string; tags?: string; limit: number; offset: number }) {
      await syncWorkspace(principal.organizationId);
      const filter = parseTagFilter(query.tags);
      const rows = (await repo.list(principal.organizationId, query)).filter((row) => matchesTags(row.tags, filter));
      return { resources: rows.slice(query.offset, query.offset + query.limit).map(publicResource), total: rows.length, limit: query.limit, offset: query.offset };
    },
    async search(principal: Principal, query: { q: string; provider?: string; type?: string; limit: number }) {
      await syncWorkspace(principal.organizationId);
      const ranked = rankResources(await repo.list(principal.organizationId, query), query.q);
      return { resources: ranked.slice(0, query.limit).map(publicResource), total: ranked.length, query: query.q };
    },
    async get(principal: Principal, id: string) {
      const resource = await requireResource(principal.organizationId, id);
      const cost = estimateMonthlyCost(resource);
      const compliance = evaluateCompliance(resource, deps.requiredTags);
      return {
        ...publicResource(resource),
        attributes: resource.attributes,
        usage: resource.usage,
        cost: { monthly: cost.monthly, currency: 'USD' },
        compliance: { status: compliance.overall_status, score: compliance.score, checks: compliance.checks },
      };
    },
    async cost(principal: Principal, id: string) {
      return costs.report(principal.organizationId, await requireResource(principal.organizationId, id));
    },
    async compliance(principal: Principal, id: string) {
      const resource = await requireResource(principal.organizationId, id);
      return { resource_id: resource.id, ...evaluateCompliance(resource, deps.requiredTags), required_tags: deps.requiredTags, last_checked: toIso(clock.now()) };
    },
    /** Replaces the resource's tags on the live side; only providers Vigil may write to (snapshot). */
    async updateTags(principal: Principal, id: string, tags: Record<string, string>) {
      const resource = await requireResource(principal.organizationId, id);
      if (!writable.has(resource.provider)) {
        throw new AppError({
          code: 'CONFLICT',
          message: `Resources of provider '${resource.provider}' are read-only in Vigil: change their tags in ${resource.provider} (or through Terraform)`,
          details: { provider: resource.provider, writable_providers: [...writable] },
        });
      }
      await repo.updateTags(principal.organizationId, resource.id, tags, clock.now());
      const updated = (await repo.find(principal.organizationId, resource.id))!;
      await costs.record(principal.organizationId, [updated]);
      const added = Object.fromEntries(Object.entries(tags).filter(([k, v]) => resource.tags[k] !== v));
      const removedKeys = Object.keys(resource.tags).filter((k) => !Object.hasOwn(tags, k));
      bus.publish('resource.updated', principal.organizationId, { resource_id: resource.id, action: 'updated', changes: { tags }, previous: { tags: resource.tags }, changed_tags: added, removed_tags: removedKeys });
      return publicResource(updated);
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
