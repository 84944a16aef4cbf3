import type { FindingRow, FindingsRepository } from './findings.repository';
import type { Finding, FindingsPage, FindingsQuery } from './findings.schemas';

const humanize = (value: string) => value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** One line a person can scan in a list: what happened and where. */
export function findingTitle(row: Pick<FindingRow, 'engine' | 'title_a' | 'title_b' | 'resource_id'>): string {
  switch (row.engine) {
    case 'anomaly':
      return `Unusual ${row.title_a ?? 'value'} on ${row.title_b ?? 'unknown source'}`;
    case 'threat':
      return row.title_b ? `${humanize(row.title_a ?? 'threat')} from ${row.title_b}` : humanize(row.title_a ?? 'threat');
    case 'drift': {
      const count = Number(row.title_a ?? 0);
      const where = row.resource_id ? ` on ${row.resource_id}` : row.title_b === 'state' ? ' in one state' : ' across the infrastructure';
      return `${count} drifted ${count === 1 ? 'field' : 'fields'}${where}`;
    }
  }
}

export function toFinding(row: FindingRow): Finding {
  return {
    engine: row.engine,
    id: row.id,
    title: findingTitle(row),
    severity: row.severity,
    status: row.status,
    detected_at: new Date(row.detected_at).toISOString(),
    resource_id: row.resource_id,
    suppressed_by: row.suppressed_by,
  };
}

/** Anomalies, threats and drift results as one newest-first list (GET /api/v1/findings and the console inbox). */
export function createFindingsService(deps: { repo: FindingsRepository }) {
  return {
    async list(organizationId: string, query: FindingsQuery): Promise<FindingsPage> {
      const filter = {
        organizationId,
        engine: query.engine,
        severity: query.severity,
        status: query.status,
        resourceId: query.resource_id,
        includeSuppressed: query.include_suppressed,
      };
      const offset = (query.page - 1) * query.size;
      const [rows, total] = await Promise.all([deps.repo.page(filter, offset, query.size), deps.repo.count(filter)]);
      return { items: rows.map(toFinding), total, page: query.page, size: query.size };
    },
  };
}

export type FindingsService = ReturnType<typeof createFindingsService>;
