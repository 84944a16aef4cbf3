import type { SettingsStore } from '../../db/settings';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import type { Principal } from '../../server/types';
import { parseIgnoreRules, validateIgnorePattern, type IgnoreRule } from './diff/ignore-rules';

const RULES_KEY = 'drift.ignore_rules';

/**
 * Ignore rules of an organization: the workspace's `.driftignore` (default organization, read from disk on each
 * scan) followed by the organization's own rules (`PUT /api/v1/drift/ignore`), so an organization rule such as
 * `!aws_s3_bucket.x` can re-include what the workspace file ignores.
 */
export function createDriftIgnoreService(deps: { settings: SettingsStore; clock: Clock; workspaceText: () => string; appliesWorkspace: (organizationId: string) => Promise<boolean> }) {
  const workspaceLines = async (organizationId: string) =>
    (await deps.appliesWorkspace(organizationId)) ? parseIgnoreRules(deps.workspaceText()).map((rule) => rule.source) : [];
  return {
    async rulesFor(organizationId: string): Promise<IgnoreRule[]> {
      const own = await deps.settings.get<string[]>(organizationId, RULES_KEY, []);
      return parseIgnoreRules([...(await workspaceLines(organizationId)), ...own].join('\n'));
    },
    async get(principal: Principal) {
      return { rules: await deps.settings.get<string[]>(principal.organizationId, RULES_KEY, []), workspace_rules: await workspaceLines(principal.organizationId) };
    },
    async put(principal: Principal, rules: string[]) {
      const problems = rules.map((rule, index) => ({ index, problem: validateIgnorePattern(rule) })).filter((p) => p.problem);
      if (problems.length) {
        throw new AppError({ code: 'VALIDATION_ERROR', message: 'Invalid ignore pattern', details: problems.map((p) => ({ field: `body.rules.${p.index}`, message: p.problem })) });
      }
      const cleaned = rules.map((rule) => rule.trim());
      await deps.settings.put(principal.organizationId, RULES_KEY, cleaned, deps.clock.now());
      return { rules: cleaned, workspace_rules: await workspaceLines(principal.organizationId) };
    },
  };
}

export type DriftIgnoreService = ReturnType<typeof createDriftIgnoreService>;
