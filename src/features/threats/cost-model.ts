import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** impact_usd = base loss of the asset class x share realised by the threat type x likelihood of the severity. */
const factorMap = z.record(z.string().trim().min(1).max(64), z.number().min(0).max(1));
const assetRule = z.object({
  class: z.string().trim().min(1).max(64),
  pattern: z.string().max(500).optional(),
  formats: z.array(z.string().max(64)).max(50).optional(),
});

export const costModelSchema = z.object({
  asset_base_loss_usd: z.record(z.string().trim().min(1).max(64), z.number().min(0).max(1e12)),
  threat_type_factor: factorMap,
  severity_factor: factorMap,
  asset_rules: z.array(assetRule).max(100),
});
export type CostModel = z.infer<typeof costModelSchema>;

/** An organization's override: any subset of the maps; keys merge over the defaults. */
export const costModelOverrideSchema = z
  .object({
    asset_base_loss_usd: costModelSchema.shape.asset_base_loss_usd.optional(),
    threat_type_factor: factorMap.optional(),
    severity_factor: factorMap.optional(),
    asset_rules: costModelSchema.shape.asset_rules.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    for (const [index, rule] of (value.asset_rules ?? []).entries()) {
      if (rule.pattern === undefined) continue;
      try {
        new RegExp(rule.pattern, 'i');
      } catch {
        ctx.addIssue({ code: 'custom', path: ['asset_rules', index, 'pattern'], message: 'is not a valid regular expression' });
      }
    }
  });
export type CostModelOverride = z.infer<typeof costModelOverrideSchema>;

const DEFAULT_FILE = new URL('./cost-model.yaml', import.meta.url);

export function loadDefaultCostModel(file: string | URL = DEFAULT_FILE): CostModel {
  return costModelSchema.parse(parseYaml(fs.readFileSync(file, 'utf8')));
}

export function mergeCostModel(base: CostModel, override: CostModelOverride | null | undefined): CostModel {
  if (!override) return base;
  return {
    asset_base_loss_usd: { ...base.asset_base_loss_usd, ...override.asset_base_loss_usd },
    threat_type_factor: { ...base.threat_type_factor, ...override.threat_type_factor },
    severity_factor: { ...base.severity_factor, ...override.severity_factor },
    asset_rules: override.asset_rules ?? base.asset_rules,
  };
}

export function classifyAsset(model: CostModel, input: { source: string | null; target: string | null; format: string | null }): string {
  const texts = [input.source, input.target].filter((t): t is string => Boolean(t));
  for (const rule of model.asset_rules) {
    if (!rule.pattern) continue;
    const re = safeRegex(rule.pattern);
    if (re && texts.some((text) => re.test(text))) return rule.class;
  }
  if (input.format) {
    for (const rule of model.asset_rules) if (rule.formats?.includes(input.format)) return rule.class;
  }
  return 'default';
}

export interface ImpactEstimate {
  impact_usd: number;
  asset_class: string;
  base_loss_usd: number;
  threat_type_factor: number;
  severity_factor: number;
}

export function estimateImpact(
  model: CostModel,
  input: { threatType: string; severity: string; source: string | null; target: string | null; format: string | null },
): ImpactEstimate {
  const assetClass = classifyAsset(model, input);
  const base = model.asset_base_loss_usd[assetClass] ?? model.asset_base_loss_usd.default ?? 0;
  const typeFactor = model.threat_type_factor[input.threatType] ?? model.threat_type_factor.default ?? 0;
  const severityFactor = model.severity_factor[input.severity] ?? 0;
  return {
    impact_usd: Math.round(base * typeFactor * severityFactor),
    asset_class: assetClass,
    base_loss_usd: base,
    threat_type_factor: typeFactor,
    severity_factor: severityFactor,
  };
}

const regexCache = new Map<string, RegExp | null>();
function safeRegex(pattern: string): RegExp | null {
  if (!regexCache.has(pattern)) {
    try {
      regexCache.set(pattern, new RegExp(pattern, 'i'));
    } catch {
      regexCache.set(pattern, null);
    }
  }
  return regexCache.get(pattern) ?? null;
}
