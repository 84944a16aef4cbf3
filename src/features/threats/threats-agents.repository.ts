import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema';
import type { ThreatAgentConfigsTable } from '../../db/tables/threats';

export type AgentConfigRow = Selectable<ThreatAgentConfigsTable>;

/** Agent configuration per organization and measured work per agent and UTC day. */
export function createThreatsAgentsRepository(db: Kysely<Database>) {
  return {
    async configs(organizationId: string) {
      return db.selectFrom('threat_agent_configs').selectAll().where('organization_id', '=', organizationId).execute();
    },
    async saveConfig(row: AgentConfigRow) {
      await db
        .insertInto('threat_agent_configs')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['organization_id', 'agent']).doUpdateSet({
            threshold: row.threshold,
            timeout_s: row.timeout_s,
            retry_attempts: row.retry_attempts,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },
    async record(organizationId: string, agent: string, day: number, processed: number, succeeded: number, totalMs: number) {
      await db
        .insertInto('threat_agent_stats')
        .values({ organization_id: organizationId, agent, day, processed, succeeded, total_ms: totalMs })
        .onConflict((oc) =>
          oc.columns(['organization_id', 'agent', 'day']).doUpdateSet((eb) => ({
            processed: eb(eb.ref('threat_agent_stats.processed'), '+', processed),
            succeeded: eb(eb.ref('threat_agent_stats.succeeded'), '+', succeeded),
            total_ms: eb(eb.ref('threat_agent_stats.total_ms'), '+', totalMs),
          })),
        )
        .execute();
    },
    async statsOfDay(organizationId: string, day: number) {
      return db.selectFrom('threat_agent_stats').selectAll().where('organization_id', '=', organizationId).where('day', '=', day).execute();
    },
  };
}

export type ThreatsAgentsRepository = ReturnType<typeof createThreatsAgentsRepository>;
