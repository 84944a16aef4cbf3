import { fromJson, isoOrNull } from '../../db/columns';
import type { Clock } from '../../lib/clock';
import { notFound } from '../../lib/errors';
import type { Principal } from '../../server/types';
import type { DriftFinding, RemediationStep } from './drift.types';
import type { DriftResultsRepository, ResultRow } from './drift-results.repository';

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function resultSummary(row: ResultRow) {
  return {
    id: row.id, job_id: row.job_id, resource_id: row.resource_id, state_id: row.state_id, scope: row.scope, status: row.status,
    drift_detected: row.drift_detected === 1, drift_count: Number(row.drift_count), resources_checked: Number(row.resources_checked),
    severity_counts: { critical: Number(row.critical_count), high: Number(row.high_count), medium: Number(row.medium_count), low: Number(row.low_count) },
    error: row.error, created_at: isoOrNull(row.created_at)!, completed_at: isoOrNull(row.completed_at),
  };
}

/** Reading drift results: lists, details with drifts and remediation, deletion, daily history and the summary. */
export function createDriftReportService(deps: { repo: DriftResultsRepository; clock: Clock; countResources: (organizationId: string) => Promise<number> }) {
  const { repo, clock } = deps;

  async function requireResult(organizationId: string, id: string) {
    const row = await repo.findResult(organizationId, id);
    if (!row) throw notFound('Drift result');
    return row;
  }

  return {
    async list(principal: Principal, query: { status?: string; resource_id?: string; limit: number; offset: number }) {
      const { rows, total } = await repo.listResults(principal.organizationId, { status: query.status, resourceId: query.resource_id }, query.limit, query.offset);
      return { results: rows.map(resultSummary), total, limit: query.limit, offset: query.offset };
    },
    async get(principal: Principal, id: string) {
      const row = await requireResult(principal.organizationId, id);
      return { ...resultSummary(row), drifts: fromJson<DriftFinding[]>(row.drifts, []), remediation: fromJson<RemediationStep[]>(row.remediation, []) };
    },
    async remove(principal: Principal, id: string) {
      const row = await requireResult(principal.organizationId, id);
      await repo.deleteResult(principal.organizationId, row.id);
      return { id: row.id, deleted: true };
    },
    /**
     * One entry per day of the window, newest first. A day's figures are those of its last completed scan
     * (a full scan, or for `resource_id` the last scan that covered the resource), so repeated scans do not
     * double-count. Trend compares the average of the older half of the window with the newer half.
     */
    async history(principal: Principal, query: { days: number; resource_id?: string }) {
      const now = clock.now();
      const since = Date.parse(`${dayOf(now - (query.days - 1) * DAY_MS)}T00:00:00Z`);
      const rows = await repo.completedSince(principal.organizationId, since);
      const perDay = new Map<string, { drift_count: number; resources_checked: number }>();
      for (const row of rows) {
        let figures: { drift_count: number; resources_checked: number } | null = null;
        if (query.resource_id) {
          if (row.scope === 'resource' && row.resource_id !== query.resource_id) continue;
          if (row.scope === 'state') continue;
          const drifts = fromJson<DriftFinding[]>(row.drifts, []).filter((d) => d.resource_id === query.resource_id);
          figures = { drift_count: drifts.length, resources_checked: 1 };
        } else if (row.scope === 'all') {
          figures = { drift_count: Number(row.drift_count), resources_checked: Number(row.resources_checked) };
        }
        if (figures) perDay.set(dayOf(Number(row.created_at)), figures); // rows are oldest first: the last one wins
      }
      const history: { date: string; drift_count: number; resources_checked: number; scanned: boolean }[] = [];
      for (let i = 0; i < query.days; i++) {
        const date = dayOf(now - i * DAY_MS);
        history.push({ date, ...(perDay.get(date) ?? { drift_count: 0, resources_checked: 0 }), scanned: perDay.has(date) });
      }
      const total = history.reduce((sum, day) => sum + day.drift_count, 0);
      const scanned = history.filter((day) => day.scanned);
      const half = Math.floor(scanned.length / 2);
      const avg = (list: typeof history) => (list.length ? list.reduce((s, d) => s + d.drift_count, 0) / list.length : 0);
      const newer = avg(scanned.slice(0, half));
      const older = avg(scanned.slice(half));
      const trend = scanned.length < 2 ? 'unknown' : newer > older * 1.1 ? 'increasing' : newer < older * 0.9 ? 'decreasing' : 'stable';
      return {
        history,
        summary: { total_drifts: total, average_daily: Math.round((total / query.days) * 100) / 100, trend, days: query.days, days_scanned: scanned.length },
      };
    },
    /** Figures of the latest completed full scan (or, before any, the latest completed scan of any scope). */
    async summary(principal: Principal) {
      const row = (await repo.latestCompletedFullScan(principal.organizationId)) ?? (await repo.latestCompleted(principal.organizationId));
      const liveCount = await deps.countResources(principal.organizationId);
      if (!row) {
        return { total_resources: liveCount, resources_with_drift: 0, drift_percentage: 0, critical_drifts: 0, high_drifts: 0, medium_drifts: 0, low_drifts: 0, last_scan: null, last_result_id: null };
      }
      const drifts = fromJson<DriftFinding[]>(row.drifts, []);
      const drifted = new Set(drifts.map((d) => d.resource_id ?? `${d.state_id}:${d.resource_address}`));
      const total = Math.max(Number(row.resources_checked), drifted.size);
      return {
        total_resources: total,
        resources_with_drift: drifted.size,
        drift_percentage: total ? Math.round((drifted.size / total) * 1000) / 10 : 0,
        critical_drifts: Number(row.critical_count),
        high_drifts: Number(row.high_count),
        medium_drifts: Number(row.medium_count),
        low_drifts: Number(row.low_count),
        last_scan: isoOrNull(row.completed_at),
        last_result_id: row.id,
      };
    },
  };
}

export type DriftReportService = ReturnType<typeof createDriftReportService>;
