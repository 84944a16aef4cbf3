import { describe, expect, it } from 'vitest';
import { classifyAsset, costModelOverrideSchema, estimateImpact, loadDefaultCostModel, mergeCostModel } from './cost-model';

const model = loadDefaultCostModel();

describe('cost model', () => {
  it('impact = base loss of the asset class x threat-type share x severity likelihood', () => {
    const estimate = estimateImpact(model, { threatType: 'sql_injection', severity: 'high', source: 'nginx', target: null, format: 'nginx_access' });
    expect(estimate.asset_class).toBe('web_server');
    expect(estimate.impact_usd).toBe(Math.round(model.asset_base_loss_usd.web_server! * model.threat_type_factor.sql_injection! * model.severity_factor.high!));
  });

  it('classifies by source/target pattern first, then by log format, else default', () => {
    expect(classifyAsset(model, { source: 'orders-postgres', target: null, format: 'sshd' })).toBe('database');
    expect(classifyAsset(model, { source: null, target: null, format: 'sshd' })).toBe('auth_server');
    expect(classifyAsset(model, { source: 'thing', target: null, format: 'text' })).toBe('default');
  });

  it('unknown threat types use the default factor; overrides merge key by key', () => {
    const merged = mergeCostModel(model, { threat_type_factor: { novel_attack: 1 } });
    expect(merged.threat_type_factor.sql_injection).toBe(model.threat_type_factor.sql_injection);
    const estimate = estimateImpact(merged, { threatType: 'novel_attack', severity: 'critical', source: null, target: null, format: null });
    expect(estimate.impact_usd).toBe(model.asset_base_loss_usd.default);
    const fallback = estimateImpact(model, { threatType: 'novel_attack', severity: 'critical', source: null, target: null, format: null });
    expect(fallback.threat_type_factor).toBe(model.threat_type_factor.default);
  });

  it('rejects factors outside 0..1 and invalid patterns', () => {
    expect(costModelOverrideSchema.safeParse({ severity_factor: { high: 1.5 } }).success).toBe(false);
    expect(costModelOverrideSchema.safeParse({ asset_rules: [{ class: 'x', pattern: '[' }] }).success).toBe(false);
  });
});
