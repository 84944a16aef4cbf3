import type { Clock } from '../../lib/clock';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import { isUniqueViolation } from '../../db/unique';
import type { Principal } from '../../server/types';
import type { CompiledCorrelation, CompiledRule, ExtraRules } from './detection/index';
import type { ThreatPipeline } from './detection-types';
import type { DetectionEngine } from './detection-engine';
import type { RuleRow, ThreatsOpsRepository } from './threats-ops.repository';

export const MAX_RULE_BYTES = 64 * 1024;

function describe(rule: CompiledRule | CompiledCorrelation, custom: boolean, createdAt: number | null) {
  const correlation = 'ruleIds' in rule
    ? { correlation: { type: rule.type, rules: rule.ruleIds, group_by: rule.groupBy, timespan: rule.timespanText, condition: rule.conditionText, generate: rule.generate } }
    : {};
  return {
    id: rule.id,
    title: rule.title,
    level: rule.level,
    tags: rule.tags,
    logsource: 'ruleIds' in rule ? {} : rule.logsource,
    custom,
    created_at: createdAt === null ? null : new Date(createdAt).toISOString(),
    ...correlation,
  };
}

/** One stored row: a rule, or a rule collection (multi-document YAML: base rules and Sigma correlation rules). */
interface StoredSet { row: RuleRow; rules: CompiledRule[]; correlations: CompiledCorrelation[] }

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
  const compiled = new Map<string, { rules: ExtraRules; rows: RuleRow[]; sets: StoredSet[] }>();

  function requireEngine(): DetectionEngine {
    if (!engine) throw new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'The detection engine is not available in this build' });
    return engine;
  }

  const invalid = (error: unknown) => {
    if (error instanceof Error) return badRequest(`Invalid Sigma rule: ${error.message}`, [{ field: 'body.yaml', message: error.message }]);
    return badRequest('Invalid Sigma rule');
  };

  /**
   * Compiles a rule or a rule collection. Correlation rules bind to base rules of the same YAML, then of the
   * organization's stored rules, then the shipped ones. Without a pipeline only single rules compile.
   */
  function compile(yaml: string, existing: { rules: CompiledRule[]; sets: StoredSet[] }): { rules: CompiledRule[]; correlations: CompiledCorrelation[] } {
    const { compileSigmaRule } = requireEngine();
    const pipeline = deps.pipeline;
    try {
      if (!pipeline) return { rules: [compileSigmaRule(yaml)], correlations: [] };
      const collection = pipeline.compileCollection(yaml);
      const existingCorrelations = existing.sets.flatMap((set) => set.correlations);
      const correlations = pipeline.bindCorrelations(collection.correlations, collection.rules, existing.rules, existingCorrelations);
      return { rules: collection.rules, correlations };
    } catch (error) {
      throw invalid(error);
    }
  }

  async function load(organizationId: string) {
    let entry = compiled.get(organizationId);
    if (!entry) {
      const rows = await repo.rulesOf(organizationId);
      const pipeline = deps.pipeline;
      const parsed: { row: RuleRow; rules: CompiledRule[]; drafts: ReturnType<ThreatPipeline['compileCollection']>['correlations'] }[] = [];
      for (const row of rows) {
        try {
          if (pipeline) {
            const collection = pipeline.compileCollection(row.yaml);
            parsed.push({ row, rules: collection.rules, drafts: collection.correlations });
          } else {
            parsed.push({ row, rules: [requireEngine().compileSigmaRule(row.yaml)], drafts: [] });
          }
        } catch (error) {
          deps.logger.warn({ err: error, rule: row.rule_id }, 'threats: stored custom rule no longer compiles; skipped');
        }
      }
      // Correlations may reference base rules of other rows: bind them once every row is compiled.
      const allRules = parsed.flatMap((p) => p.rules);
      const allDrafts = parsed.flatMap((p) => p.drafts);
      const sets: StoredSet[] = parsed.map(({ row, rules, drafts }) => {
        let correlations: CompiledCorrelation[] = [];
        if (pipeline && drafts.length > 0) {
          try {
            correlations = pipeline.bindCorrelations(drafts, rules, allRules, allDrafts);
          } catch (error) {
            deps.logger.warn({ err: error, rule: row.rule_id }, 'threats: stored correlation rule no longer binds to its base rules; skipped');
          }
        }
        return { row, rules, correlations };
      });
      const rules: ExtraRules = Object.assign([...allRules], { correlations: sets.flatMap((set) => set.correlations) });
      entry = { rules, rows, sets };
      compiled.set(organizationId, entry);
    }
    return entry;
  }

  const idsOf = (set: { rules: CompiledRule[]; correlations: CompiledCorrelation[] }) => [...set.rules, ...set.correlations].map((r) => r.id);

  return {
    /** Compiled custom rules of an organization, for the pipeline. */
    async compiledFor(organizationId: string): Promise<ExtraRules> {
      if (!engine) return [];
      return (await load(organizationId)).rules;
    },
    async create(principal: Principal, yaml: string) {
      if (Buffer.byteLength(yaml) > MAX_RULE_BYTES) throw badRequest(`A rule may not exceed ${MAX_RULE_BYTES} bytes`);
      const existing = await load(principal.organizationId);
      const set = compile(yaml, existing);
      // The row is named after the collection's first correlation rule, else its first rule.
      const rule = set.correlations[0] ?? set.rules[0];
      const shippedIds = new Set([...(deps.pipeline?.rules() ?? []), ...(deps.pipeline?.correlations() ?? [])].map((r) => r.id));
      for (const id of idsOf(set)) {
        if (shippedIds.has(id)) throw conflict(`Rule id ${id} is already used by a shipped rule`);
        const owner = existing.sets.find((s) => idsOf(s).includes(id));
        if (owner) throw new AppError({ code: 'RESOURCE_ALREADY_EXISTS', message: `A custom rule with id ${id} already exists${owner.row.rule_id === id ? '' : ` (in rule collection ${owner.row.rule_id})`}` });
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
      const sets = engine ? (await load(organizationId)).sets : [];
      const shippedCorrelations = (deps.pipeline?.correlations() ?? []).map((rule) => describe(rule, false, null));
      const customList = sets.flatMap((set) => [...set.rules, ...set.correlations].map((rule) => describe(rule, true, Number(set.row.created_at))));
      const shippedAll = [...shipped, ...shippedCorrelations];
      return { rules: [...shippedAll, ...customList], total: shippedAll.length + customList.length, shipped: shippedAll.length, custom: customList.length };
    },
    async remove(organizationId: string, ruleId: string) {
      if (engine) {
        const { sets } = await load(organizationId);
        const target = sets.find((set) => set.row.rule_id === ruleId);
        const owner = target ?? sets.find((set) => idsOf(set).includes(ruleId));
        if (!target && owner) throw conflict(`Rule ${ruleId} belongs to the rule collection ${owner.row.rule_id}; delete ${owner.row.rule_id} to remove it`);
        if (target) {
          const removed = new Set(target.rules.map((r) => r.id));
          const user = sets.find((set) => set !== target && set.correlations.some((c) => c.ruleIds.some((id) => removed.has(id))));
          if (user) throw conflict(`Rule ${ruleId} is used by the correlation rule ${user.correlations.find((c) => c.ruleIds.some((id) => removed.has(id)))!.id}; delete that first`);
        }
      }
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
