import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const STEP_ACTIONS = ['QUARANTINE_IP', 'FORENSIC_DUMP', 'ALERT_ADMIN', 'DISABLE_USER', 'TIGHTEN_RATE_LIMIT', 'DRIFT_REMEDIATION_PLAN'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** The parameter without which an action cannot act; a step whose value renders empty is left out. */
const REQUIRED_PARAM: Partial<Record<StepAction, string>> = { QUARANTINE_IP: 'ip', TIGHTEN_RATE_LIMIT: 'ip', DISABLE_USER: 'user' };

const templateStep = z.object({
  action: z.enum(STEP_ACTIONS),
  params: z.record(z.string(), z.unknown()).default({}),
  estimated_success: z.number().min(0).max(1).default(0.9),
  /** Name shown in `recommended_actions` (default: the action in lower case). */
  recommendation: z.string().trim().min(1).max(64).optional(),
});
const templateSchema = z.object({ name: z.string().trim().min(1).max(200), steps: z.array(templateStep).min(1).max(50) });

export type PlaybookTemplate = z.infer<typeof templateSchema> & { key: string };

export interface ThreatVariables {
  threat_id: string;
  threat_type: string;
  severity: string;
  source_ip: string | null;
  user: string | null;
  target: string | null;
  source: string | null;
}

export interface RenderedStep {
  order: number;
  action: StepAction;
  params: Record<string, unknown>;
  estimated_success: number;
  recommendation: string;
}

export const DEFAULT_PLAYBOOKS_DIR = fileURLToPath(new URL('../../../playbooks/', import.meta.url));

/** Loads playbooks/<threat_type>.yaml files; `default.yaml` answers for types without a template. */
export function loadPlaybookTemplates(dir: string = DEFAULT_PLAYBOOKS_DIR): Map<string, PlaybookTemplate> {
  const templates = new Map<string, PlaybookTemplate>();
  for (const file of fs.readdirSync(dir)) {
    if (!/\.ya?ml$/i.test(file)) continue;
    const key = file.replace(/\.ya?ml$/i, '');
    const parsed = templateSchema.safeParse(parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`playbook template ${file}: ${issue.path.join('.')} ${issue.message}`);
    }
    templates.set(key, { ...parsed.data, key });
  }
  if (!templates.has('default')) throw new Error(`playbook templates in ${dir}: default.yaml is missing`);
  return templates;
}

export function templateFor(templates: Map<string, PlaybookTemplate>, threatType: string): PlaybookTemplate {
  return templates.get(threatType) ?? templates.get('default')!;
}

export function recommendedActions(template: PlaybookTemplate, vars: ThreatVariables): string[] {
  return [...new Set(renderSteps(template, vars).map((step) => step.recommendation))];
}

/** Fills `{{variable}}` placeholders; a value that is only a placeholder of an empty variable becomes null. */
export function renderSteps(template: PlaybookTemplate, vars: ThreatVariables): RenderedStep[] {
  const steps: RenderedStep[] = [];
  for (const step of template.steps) {
    const params = renderValue(step.params, vars) as Record<string, unknown>;
    const required = REQUIRED_PARAM[step.action];
    if (required && (params[required] === null || params[required] === undefined || params[required] === '')) continue;
    steps.push({ order: steps.length + 1, action: step.action, params, estimated_success: step.estimated_success, recommendation: step.recommendation ?? step.action.toLowerCase() });
  }
  return steps;
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;
const ONLY_PLACEHOLDER = /^\{\{\s*([a-z_]+)\s*\}\}$/;

function renderValue(value: unknown, vars: ThreatVariables): unknown {
  if (typeof value === 'string') {
    const only = ONLY_PLACEHOLDER.exec(value);
    if (only) return lookup(vars, only[1]!) ?? null;
    return value.replace(PLACEHOLDER, (_, name: string) => lookup(vars, name) ?? '-');
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, vars)]));
  }
  return value;
}

function lookup(vars: ThreatVariables, name: string): string | null {
  const value = (vars as unknown as Record<string, string | null | undefined>)[name];
  return value === undefined || value === null || value === '' ? null : value;
}

/** "24h", "30m", "90s", "2d" or a number of seconds. */
export function parseDurationMs(value: unknown, fallbackMs: number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value * 1000;
  if (typeof value !== 'string') return fallbackMs;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(value);
  if (!match) return fallbackMs;
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
