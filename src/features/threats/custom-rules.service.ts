import type { Clock } from '../../lib/clock';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import { isUniqueViolation } from '../../db/unique';
import type { Principal } from '../../server/types';
import type { CompiledRule, ThreatPipeline } from './detection-types';
import type { DetectionEngine } from './detection-engine';
import type { RuleRow, ThreatsOpsRepository } from './threats-ops.repository';

export const MAX_RULE_BYTES = 64 * 1024;

function describe(rule: CompiledRule, custom: boolean, createdAt: number | null) {
  return {
    id: rule.id,
    title: rule.title,
    level: rule.level,
    tags: rule.tags,
    logsource: rule.logsource,
    custom,
    created_at: createdAt === null ? null : new Date(createdAt).toISOString(),
  };
}

/**
 * Sigma rules an organization's admins add. Each is validated by the engine's compiler, stored as sent, and
 * compiled once per instance (kept in memory) to run beside the shipped rules on every line of that organization.
 */
export function createCustomRulesService(deps: {
  repo: ThreatsOpsRepository;
  engine: DetectionEngine | null;
  pipeline: ThreatPipeline | null;
  clock: Clock;
  logger: Logger;
}) {
  const { repo, engine, clock } = deps;
  const compiled = new Map<string, { rules: CompiledRule[]; rows: RuleRow[] }>();

  function requireEngine(): DetectionEngine {
    if (!engine) throw new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'The detection engine is not available in this build' });
    return engine;
  }

  function compile(yaml: string): CompiledRule {
    const { compileSigmaRule, SigmaRuleError } = requireEngine();
    try {
      return compileSigmaRule(yaml);
    } catch (error) {
      if (error instanceof SigmaRuleError || error instanceof Error) throw badRequest(`Invalid Sigma rule: ${error.message}`, [{ field: 'body.yaml', message: error.message }]);
      throw badRequest('Invalid Sigma rule');
    }
  }

  async function load(organizationId: string) {
    let entry = compiled.get(organizationId);
    if (!entry) {
      const rows = await repo.rulesOf(organizationId);
      const rules: CompiledRule[] = [];
      for (const row of rows) {
        try {
          rules.push(requireEngine().compileSigmaRule(row.yaml));
        } catch (error) {
          deps.logger.warn({ err: error, rule: row.rule_id }, 'threats: stored custom rule no longer compiles; skipped');
        }
      }
      entry = { rules, rows };
      compiled.set(organizationId, entry);
    }
    return entry;
  }

  return {
    /** Compiled custom rules of an organization, for the pipeline. */
    async compiledFor(organizationId: string): Promise<CompiledRule[]> {
      if (!engine) return [];
      return (await load(organizationId)).rules;
    },
    async create(principal: Principal, yaml: string) {
      if (Buffer.byteLength(yaml) > MAX_RULE_BYTES) throw badRequest(`A rule may not exceed ${MAX_RULE_BYTES} bytes`);
      const rule = compile(yaml);
      if (deps.pipeline?.rules().some((shipped) => shipped.id === rule.id)) {
        throw conflict(`Rule id ${rule.id} is already used by a shipped rule`);
      }
      const row: RuleRow = {
        id: newId(),
        organization_id: principal.organizationId,
        rule_id: rule.id,
        title: rule.title,
        level: rule.level,
        yaml,
        created_by: principal.username,
        created_at: clock.now(),
      };
      try {
        await repo.insertRule(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError({ code: 'RESOURCE_ALREADY_EXISTS', message: `A custom rule with id ${rule.id} already exists` });
        throw error;
      }
      compiled.delete(principal.organizationId);
      return describe(rule, true, row.created_at);
    },
    async list(organizationId: string) {
      const shipped = (deps.pipeline?.rules() ?? []).map((rule) => describe(rule, false, null));
      const custom = engine ? await load(organizationId) : { rules: [], rows: [] };
      const createdAt = new Map(custom.rows.map((row) => [row.rule_id, Number(row.created_at)]));
      const customList = custom.rules.map((rule) => describe(rule, true, createdAt.get(rule.id) ?? null));
      return { rules: [...shipped, ...customList], total: shipped.length + customList.length, shipped: shipped.length, custom: customList.length };
    },
    async remove(organizationId: string, ruleId: string) {
      if (!(await repo.deleteRule(organizationId, ruleId))) {
        if (deps.pipeline?.rules().some((rule) => rule.id === ruleId)) throw conflict(`Rule ${ruleId} is a shipped rule and cannot be deleted`);
        throw notFound(`Rule ${ruleId}`);
      }
      compiled.delete(organizationId);
      return { id: ruleId, deleted: true };
    },
  };
}

export type CustomRulesService = ReturnType<typeof createCustomRulesService>;
