import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../../db/schema';
import type {
  ThreatBlocklistTable,
  ThreatEvidenceTable,
  ThreatRulesTable,
  ThreatSimulationsTable,
} from '../../db/tables/threats';

export type BlocklistRow = Selectable<ThreatBlocklistTable>;
export type EvidenceRow = Selectable<ThreatEvidenceTable>;
export type RuleRow = Selectable<ThreatRulesTable>;
export type SimulationRow = Selectable<ThreatSimulationsTable>;

/** Blocklist, evidence, custom rules, simulations and the correlation checkpoint. */
export function createThreatsOpsRepository(db: Kysely<Database>) {
  return {
    async upsertBlock(row: BlocklistRow) {
      await db
        .insertInto('threat_blocklist')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['organization_id', 'ip']).doUpdateSet({
            reason: row.reason,
            threat_id: row.threat_id,
            playbook_id: row.playbook_id,
            created_by: row.created_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
          }),
        )
        .execute();
    },
    async activeBlocks(now: number) {
      return db
        .selectFrom('threat_blocklist')
        .selectAll()
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .execute();
    },
    async blocksOf(organizationId: string, now: number) {
      return db
        .selectFrom('threat_blocklist')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at')
        .orderBy('ip')
        .execute();
    },
    async deleteBlock(organizationId: string, ip: string) {
      const result = await db.deleteFrom('threat_blocklist').where('organization_id', '=', organizationId).where('ip', '=', ip).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insertEvidence(row: EvidenceRow) {
      await db.insertInto('threat_evidence').values(row).execute();
    },
    async evidenceOf(organizationId: string, threatId: string) {
      return db
        .selectFrom('threat_evidence')
        .select(['id', 'playbook_id', 'line_count', 'sha256', 'criteria', 'created_at'])
        .where('organization_id', '=', organizationId)
        .where('threat_id', '=', threatId)
        .orderBy('created_at')
        .execute();
    },

    async insertRule(row: RuleRow) {
      await db.insertInto('threat_rules').values(row).execute();
    },
    async rulesOf(organizationId: string) {
      return db.selectFrom('threat_rules').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').orderBy('rule_id').execute();
    },
    async deleteRule(organizationId: string, ruleId: string) {
      const result = await db.deleteFrom('threat_rules').where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insertSimulation(row: SimulationRow) {
      await db.insertInto('threat_simulations').values(row).execute();
    },
    async updateSimulation(id: string, patch: Updateable<ThreatSimulationsTable>) {
      await db.updateTable('threat_simulations').set(patch).where('id', '=', id).execute();
    },
    async findSimulation(organizationId: string, id: string) {
      return db.selectFrom('threat_simulations').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },

    async saveCorrelationState(scope: string, state: string, at: number) {
      await db
        .insertInto('threat_correlation_state')
        .values({ organization_id: scope, state, checkpoint_at: at })
        .onConflict((oc) => oc.column('organization_id').doUpdateSet({ state, checkpoint_at: at }))
        .execute();
    },
    async loadCorrelationState(scope: string) {
      return db.selectFrom('threat_correlation_state').selectAll().where('organization_id', '=', scope).executeTakeFirst();
    },
  };
}

export type ThreatsOpsRepository = ReturnType<typeof createThreatsOpsRepository>;
