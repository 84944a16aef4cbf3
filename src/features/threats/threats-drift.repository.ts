import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Threats raised from drift: one open threat per resource and type, found again on the next scans. */
export function createThreatsDriftRepository(db: Kysely<Database>) {
  return {
    async findOpen(organizationId: string, threatType: string, target: string) {
      return db
        .selectFrom('threats')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('threat_type', '=', threatType)
        .where('target', '=', target)
        .where('log_format', '=', 'drift')
        .where('status', 'in', ['detected', 'analyzing', 'acknowledged'])
        .orderBy('last_seen_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
  };
}

export type ThreatsDriftRepository = ReturnType<typeof createThreatsDriftRepository>;
