import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';

/**
 * Acknowledge-until-resolved and auto-resolve. While a series has an acknowledged, unresolved anomaly, its new
 * anomalies are stored silenced (`suppressed_by: acknowledged:<id>`); an unresolved anomaly resolves by itself once
 * its series has been back in its normal range for N points in a row (metric and trace series, whose every point is
 * scored), with the resolution recorded.
 */
export interface SeriesPoint {
  seriesKey: string;
  isAnomaly: boolean;
}

export interface Unresolved {
  id: string;
  series_key: string;
  status: string;
  normal_streak: number;
}

/** Per series: the normal points in a row at the end of the batch (added to the stored streak unless reset). */
export function streaksAfter(points: SeriesPoint[], stored: Map<string, number>): Map<string, number> {
  const streaks = new Map<string, number>();
  for (const point of points) {
    const current = streaks.has(point.seriesKey) ? streaks.get(point.seriesKey)! : (stored.get(point.seriesKey) ?? 0);
    streaks.set(point.seriesKey, point.isAnomaly ? 0 : current + 1);
  }
  return streaks;
}

export function createAnomalyLifecycle(deps: { db: Kysely<Database>; bus: EventBus; clock: Clock; resolveAfterPoints: number }) {
  const { db } = deps;

  async function unresolved(organizationId: string, seriesKeys: string[]): Promise<Unresolved[]> {
    if (seriesKeys.length === 0) return [];
    const rows = await db
      .selectFrom('anomalies')
      .select(['id', 'series_key', 'status', 'normal_streak'])
      .where('organization_id', '=', organizationId)
      .where('series_key', 'in', seriesKeys)
      .where('status', 'in', ['open', 'acknowledged'])
      .execute();
    return rows.map((r) => ({ ...r, normal_streak: Number(r.normal_streak ?? 0) }));
  }

  return {
    /**
     * Before the batch is stored: silences new anomalies of series with an acknowledged one, and works out the
     * streak updates and auto-resolutions to write once the batch is committed.
     */
    async plan(organizationId: string, points: SeriesPoint[], fresh: { series_key: string; suppressed_by?: string | null }[]) {
      const keys = [...new Set(points.map((p) => p.seriesKey))];
      const open = await unresolved(organizationId, keys);
      if (open.length === 0) return null;
      const acknowledged = new Map(open.filter((a) => a.status === 'acknowledged').map((a) => [a.series_key, a.id]));
      for (const anomaly of fresh) {
        const ack = acknowledged.get(anomaly.series_key);
        if (ack && !anomaly.suppressed_by) anomaly.suppressed_by = `acknowledged:${ack}`;
      }
      const stored = new Map<string, number>();
      for (const a of open) stored.set(a.series_key, Math.max(stored.get(a.series_key) ?? 0, a.normal_streak));
      const streaks = streaksAfter(points, stored);
      return { open, streaks };
    },
    /** After commit: records streaks and resolves what has been normal long enough. */
    async apply(organizationId: string, plan: { open: Unresolved[]; streaks: Map<string, number> } | null) {
      if (!plan) return;
      const now = deps.clock.now();
      const limit = deps.resolveAfterPoints;
      for (const [seriesKey, streak] of plan.streaks) {
        const ids = plan.open.filter((a) => a.series_key === seriesKey).map((a) => a.id);
        if (ids.length === 0) continue;
        if (limit > 0 && streak >= limit) {
          const resolution = `resolved automatically: the series was back in its normal range for ${streak} points in a row`;
          await db.updateTable('anomalies').set({ status: 'resolved', resolved_at: now, resolution, normal_streak: streak }).where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
          for (const id of ids) deps.bus.publish('anomaly.resolved', organizationId, { anomaly_id: id, automatic: true, resolution });
        } else {
          await db.updateTable('anomalies').set({ normal_streak: streak }).where('organization_id', '=', organizationId).where('id', 'in', ids).execute();
        }
      }
    },
  };
}

export type AnomalyLifecycle = ReturnType<typeof createAnomalyLifecycle>;
