import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { AppError, badRequest, notFound } from '../../lib/errors';
import type { Principal } from '../../server/types';
import type { CustomRulesService } from './custom-rules.service';
import type { DetectionEngine } from './detection-engine';
import type { CompiledRule, ThreatPipeline } from './detection-types';
import type { CompiledCorrelation, ExtraRules } from './detection/index';

export interface BacktestInput {
  yaml?: string;
  rule_id?: string;
  from?: string;
  to?: string;
  limit: number;
}

const MAX_MATCHES = 1000;
/** No folder: the backtest pipeline carries no shipped rules, only the rule under test. */
const NO_RULES_DIR = '/nonexistent/vigil-backtest-rules';

/**
 * Evaluates one Sigma rule (YAML, including correlation rules) or a stored/shipped rule by id over the stored log
 * lines of a time range, oldest first, on a pipeline of its own: no threat, event, playbook or correlation state
 * of the live pipeline is touched.
 */
export function createRuleBacktestService(deps: { db: Kysely<Database>; engine: DetectionEngine | null; pipeline: ThreatPipeline | null; customRules: CustomRulesService }) {
  function requirePipeline() {
    if (!deps.engine || !deps.pipeline) throw new AppError({ code: 'SERVICE_UNAVAILABLE', message: 'The detection engine is not available in this build' });
    return { engine: deps.engine, pipeline: deps.pipeline };
  }

  async function rulesUnderTest(organizationId: string, input: BacktestInput): Promise<ExtraRules> {
    const { pipeline } = requirePipeline();
    const custom = await deps.customRules.compiledFor(organizationId);
    const known: CompiledRule[] = [...custom, ...pipeline.rules()];
    const knownCorrelations: CompiledCorrelation[] = [...(custom.correlations ?? []), ...pipeline.correlations()];
    if (input.yaml !== undefined) {
      try {
        const collection = pipeline.compileCollection(input.yaml);
        const correlations = pipeline.bindCorrelations(collection.correlations, collection.rules, custom, custom.correlations ?? []);
        const bases = correlations.flatMap((c) => c.ruleIds).map((id) => collection.rules.find((r) => r.id === id) ?? known.find((r) => r.id === id)).filter((r): r is CompiledRule => Boolean(r));
        return Object.assign([...new Set([...collection.rules, ...bases])], { correlations });
      } catch (error) {
        const message = error instanceof Error ? error.message : 'invalid rule';
        throw badRequest(`Invalid Sigma rule: ${message}`, [{ field: 'body.yaml', message }]);
      }
    }
    const rule = known.find((r) => r.id === input.rule_id);
    if (rule) return Object.assign([rule], { correlations: [] });
    const correlation = knownCorrelations.find((c) => c.id === input.rule_id);
    if (!correlation) throw notFound('Rule');
    const bases = correlation.ruleIds.map((id) => known.find((r) => r.id === id)).filter((r): r is CompiledRule => Boolean(r));
    return Object.assign(bases, { correlations: [correlation] });
  }

  return {
    async backtest(principal: Principal, input: BacktestInput) {
      if ((input.yaml === undefined) === (input.rule_id === undefined)) throw badRequest('Give either yaml (a Sigma rule) or rule_id', [{ field: 'body', message: 'exactly one of yaml, rule_id' }]);
      const from = input.from ? Date.parse(input.from) : 0;
      const to = input.to ? Date.parse(input.to) : Number.MAX_SAFE_INTEGER;
      if (from > to) throw badRequest('from is after to', [{ field: 'body.from', message: 'must not be after to' }]);
      const extra = await rulesUnderTest(principal.organizationId, input);
      const tested = new Set([...extra.map((r) => r.id), ...(extra.correlations ?? []).map((c) => c.id)]);
      const wanted = new Set(input.yaml !== undefined ? tested : [input.rule_id!]);
      const { engine } = requirePipeline();
      let now = 0;
      const sandbox = engine.createThreatPipeline({ rulesDir: NO_RULES_DIR, clock: { now: () => now } });

      const lines = await deps.db
        .selectFrom('threat_log_lines')
        .select(['id', 'line', 'source', 'log_time'])
        .where('organization_id', '=', principal.organizationId)
        .where('simulated', '=', 0)
        .where('log_time', '>=', from)
        .where('log_time', '<=', to)
        .orderBy('log_time')
        .orderBy('id')
        .limit(input.limit)
        .execute();
      const matches: { log_line_id: string; log_time: string; source: string | null; line: string; rule_id: string; title: string; severity: string; threat_type: string }[] = [];
      let total = 0;
      for (const row of lines) {
        now = Number(row.log_time);
        const { detections } = sandbox.analyze(row.line, { organizationId: principal.organizationId, timestamp: now, source: row.source, metadata: null }, extra);
        for (const detection of detections) {
          const rule = detection.rules.find((r) => wanted.has(r.id));
          if (!rule) continue;
          total++;
          if (matches.length < MAX_MATCHES) {
            matches.push({ log_line_id: row.id, log_time: new Date(now).toISOString(), source: row.source, line: row.line.slice(0, 2000), rule_id: rule.id, title: rule.title, severity: detection.severity, threat_type: detection.threatType });
          }
        }
      }
      return { rules: [...tested], lines_scanned: lines.length, match_count: total, matches, truncated: total > matches.length, from: new Date(from).toISOString(), to: to === Number.MAX_SAFE_INTEGER ? null : new Date(to).toISOString() };
    },
  };
}

export type RuleBacktestService = ReturnType<typeof createRuleBacktestService>;
