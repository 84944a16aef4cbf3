import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import type { Clock } from '../../../lib/clock';
import type { LiveResource } from '../drift.types';
import { estimateMonthlyCost, PRICE_TABLE } from './cost-model';

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const cents = (usd: number) => Math.round(usd * 100);

export type CostTrend = 'increasing' | 'decreasing' | 'stable' | 'unknown';

export function trendBetween(previous: number | null, current: number): CostTrend {
  if (previous === null) return 'unknown';
  if (previous === 0) return current === 0 ? 'stable' : 'increasing';
  const ratio = current / previous;
  return ratio > 1.05 ? 'increasing' : ratio < 0.95 ? 'decreasing' : 'stable';
}

/**
 * Cost estimates and their history: every time a resource is stored, changed or scanned, today's estimate is
 * recorded (one row per resource and day). `last_month` is the latest estimate recorded in the previous calendar
 * month and the trend compares today with the oldest estimate of the last 30 days; without history both say so
 * (`null`, `unknown`) rather than inventing figures.
 */
export function createCostService(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async record(organizationId: string, resources: LiveResource[]): Promise<void> {
      if (!resources.length) return;
      const now = clock.now();
      const day = dayOf(now);
      await db.transaction().execute(async (trx) => {
        for (const resource of resources) {
          const estimate = estimateMonthlyCost(resource);
          const values = {
            monthly_cents: cents(estimate.monthly), compute_cents: cents(estimate.breakdown.compute), storage_cents: cents(estimate.breakdown.storage),
            network_cents: cents(estimate.breakdown.network), recorded_at: now,
          };
          await trx
            .insertInto('drift_cost_snapshots')
            .values({ organization_id: organizationId, resource_id: resource.id, day, ...values })
            .onConflict((oc) => oc.columns(['organization_id', 'resource_id', 'day']).doUpdateSet(values))
            .execute();
        }
      });
    },
    async report(organizationId: string, resource: LiveResource) {
      const estimate = estimateMonthlyCost(resource);
      const now = clock.now();
      const today = dayOf(now);
      const history = await db
        .selectFrom('drift_cost_snapshots')
        .select(['day', 'monthly_cents'])
        .where('organization_id', '=', organizationId)
        .where('resource_id', '=', resource.id)
        .where('day', '>=', dayOf(now - 400 * DAY_MS))
        .orderBy('day')
        .execute();
      const monthStart = `${today.slice(0, 7)}-01`;
      const previousMonth = dayOf(Date.parse(`${monthStart}T00:00:00Z`) - DAY_MS).slice(0, 7);
      const lastMonthRow = [...history].reverse().find((row) => row.day.startsWith(previousMonth));
      const windowStart = dayOf(now - 30 * DAY_MS);
      const baseline = history.find((row) => row.day >= windowStart && row.day < today) ?? lastMonthRow ?? null;
      return {
        resource_id: resource.id,
        cost: {
          current_month: estimate.monthly,
          last_month: lastMonthRow ? Number(lastMonthRow.monthly_cents) / 100 : null,
          yearly: Math.round(estimate.monthly * 12 * 100) / 100,
          currency: PRICE_TABLE.currency,
        },
        breakdown: estimate.breakdown,
        trend: trendBetween(baseline ? Number(baseline.monthly_cents) / 100 : null, estimate.monthly),
        priced: estimate.priced,
        notes: estimate.notes,
        history: history.map((row) => ({ date: row.day, monthly: Number(row.monthly_cents) / 100 })),
        price_source: PRICE_TABLE.source,
        price_date: PRICE_TABLE.price_date,
        price_region: PRICE_TABLE.region,
      };
    },
  };
}

export type CostService = ReturnType<typeof createCostService>;
