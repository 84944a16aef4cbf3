import { z } from 'zod';
import type { SecretBox } from '../../lib/secret-box';
import type { SettingsStore } from '../../db/settings';
import type { Clock } from '../../lib/clock';
import type { OutboundGuard } from '../../lib/net/outbound-guard';
import type { Principal } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import { costModelOverrideSchema, mergeCostModel, type CostModel, type CostModelOverride } from './cost-model';

const SETTINGS_KEY = 'threats.settings';

export const alertWebhook = z.object({
  url: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http(s) URL'),
  secret: z.string().min(8).max(500).nullable().optional(),
});

export const threatSettingsBody = z
  .object({
    cost_model: costModelOverrideSchema.nullable().optional(),
    alert_webhooks: z.array(alertWebhook).max(20).optional(),
  })
  .strict();

export interface ThreatSettings {
  cost_model: CostModelOverride | null;
  alert_webhooks: z.infer<typeof alertWebhook>[];
}

/** Per-organization threat settings: cost-model overrides and where ALERT_ADMIN steps deliver. */
export function createThreatSettingsService(deps: {
  settings: SettingsStore;
  defaults: CostModel;
  clock: Clock;
  secrets: SecretBox;
  /** The outbound guard (alert webhook URLs) and the audit trail (settings changes). */
  guard?: Pick<OutboundGuard, 'assertUrl'>;
  audit?: AuditApi;
}) {
  const empty: ThreatSettings = { cost_model: null, alert_webhooks: [] };
  // alert webhook secrets are stored sealed and handed out opened
  const withSecrets = (hooks: ThreatSettings['alert_webhooks'], transform: (secret: string) => string) =>
    hooks.map((hook) => (hook.secret == null ? hook : { ...hook, secret: transform(hook.secret) }));
  async function get(organizationId: string): Promise<ThreatSettings> {
    const stored = { ...empty, ...(await deps.settings.get<Partial<ThreatSettings>>(organizationId, SETTINGS_KEY, {})) };
    return { ...stored, alert_webhooks: withSecrets(stored.alert_webhooks, deps.secrets.open) };
  }
  return {
    get,
    async costModel(organizationId: string): Promise<CostModel> {
      return mergeCostModel(deps.defaults, (await get(organizationId)).cost_model);
    },
    async update(organizationId: string, patch: z.infer<typeof threatSettingsBody>, actor?: Principal) {
      for (const [i, hook] of (patch.alert_webhooks ?? []).entries()) await deps.guard?.assertUrl(hook.url, `body.alert_webhooks.${i}.url`);
      const current = await get(organizationId);
      const next: ThreatSettings = {
        cost_model: patch.cost_model === undefined ? current.cost_model : patch.cost_model,
        alert_webhooks: patch.alert_webhooks ?? current.alert_webhooks,
      };
      await deps.settings.put(organizationId, SETTINGS_KEY, { ...next, alert_webhooks: withSecrets(next.alert_webhooks, deps.secrets.seal) }, deps.clock.now());
      await deps.audit?.record({ organizationId, action: 'settings.updated', actor, target: { type: 'settings', id: SETTINGS_KEY }, details: { changed: Object.keys(patch) } });
      return this.describe(organizationId);
    },
    async describe(organizationId: string) {
      const settings = await get(organizationId);
      return {
        cost_model: settings.cost_model,
        effective_cost_model: mergeCostModel(deps.defaults, settings.cost_model),
        alert_webhooks: settings.alert_webhooks.map((hook) => ({ url: hook.url, has_secret: Boolean(hook.secret) })),
      };
    },
  };
}

export type ThreatSettingsService = ReturnType<typeof createThreatSettingsService>;
