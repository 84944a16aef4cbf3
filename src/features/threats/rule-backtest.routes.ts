import { z } from 'zod';
import { isoDate } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import { MAX_RULE_BYTES } from './custom-rules.service';
import type { RuleBacktestService } from './rule-backtest.service';

const body = z
  .object({
    yaml: z.string().min(1).max(MAX_RULE_BYTES).optional(),
    rule_id: z.string().trim().min(1).max(200).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** Stored lines scanned at most (oldest first in the range). */
    limit: z.number().int().min(1).max(100_000).default(10_000),
  })
  .strict();

const answer = z.object({
  rules: z.array(z.string()),
  lines_scanned: z.number().int(),
  match_count: z.number().int(),
  matches: z.array(z.object({ log_line_id: z.string(), log_time: z.string(), source: z.string().nullable(), line: z.string(), rule_id: z.string(), title: z.string(), severity: z.string(), threat_type: z.string() })),
  truncated: z.boolean(),
  from: z.string(),
  to: z.string().nullable(),
});

export function ruleBacktestRoutes(deps: { backtest: RuleBacktestService }) {
  return (app: App) => {
    app.post(
      '/api/v1/rules/backtest',
      {
        schema: {
          tags: ['rules'],
          summary: 'Evaluate a Sigma rule (YAML, correlation rules included) or a rule id over stored log lines; no side effect',
          body,
          response: { 200: answer },
        },
      },
      async (request) => deps.backtest.backtest(principalOf(request), request.body),
    );
  };
}
