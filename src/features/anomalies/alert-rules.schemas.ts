import { z } from 'zod';

const url = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), 'must be an http(s) URL');
export const channelType = z.enum(['webhook', 'slack', 'pagerduty', 'email']);
export type ChannelType = z.infer<typeof channelType>;

const webhookTarget = z.object({ url, secret: z.string().min(8).max(200).optional() });
const slackTarget = z.object({ url: url.optional(), webhookUrl: url.optional(), webhook_url: url.optional() }).refine((v) => v.url ?? v.webhookUrl ?? v.webhook_url, 'needs the incoming-webhook url');
const pagerdutyTarget = z.object({
  routingKey: z.string().trim().min(1).max(100).optional(),
  routing_key: z.string().trim().min(1).max(100).optional(),
  url: url.optional(),
}).refine((v) => v.routingKey ?? v.routing_key, 'needs routingKey (the Events API v2 integration key)');
const emailTarget = z.object({
  relayUrl: url.optional(),
  relay_url: url.optional(),
  to: z.union([z.string().trim().email(), z.array(z.string().trim().email()).min(1).max(20)]),
}).refine((v) => v.relayUrl ?? v.relay_url, 'needs relayUrl: Vigil sends e-mail through an HTTP relay, it has no SMTP client');

export const channelConfig = z
  .object({ webhook: webhookTarget.optional(), slack: slackTarget.optional(), pagerduty: pagerdutyTarget.optional(), email: emailTarget.optional() })
  .strict();

const inlineChannel = z.discriminatedUnion('type', [
  webhookTarget.extend({ type: z.literal('webhook') }),
  z.object({ type: z.literal('slack'), url: url.optional(), webhookUrl: url.optional(), webhook_url: url.optional() }),
  z.object({ type: z.literal('pagerduty'), routingKey: z.string().trim().min(1).max(100).optional(), routing_key: z.string().trim().min(1).max(100).optional(), url: url.optional() }),
  z.object({ type: z.literal('email'), relayUrl: url.optional(), relay_url: url.optional(), to: z.union([z.string().trim().email(), z.array(z.string().trim().email()).min(1).max(20)]).optional() }),
]);

export const createAlertRuleBody = z.object({
  name: z.string().trim().min(1).max(200),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  conditions: z
    .object({
      metric: z.string().trim().min(1).max(200).optional(),
      source: z.string().trim().min(1).max(200).optional(),
      threshold: z.number().finite().optional(),
      field: z.enum(['score', 'value']).default('score'),
      operator: z.enum(['gt', 'gte', 'lt', 'lte']).default('gte'),
      /** Which engine's findings the rule matches (anomaly by default; threat and drift since migration 0009). */
      engine: z.enum(['anomaly', 'threat', 'drift']).optional(),
      /** Threat type (brute_force_attack, security_group_exposure...) or drifted resource type; `*` globs. */
      type: z.string().trim().min(1).max(200).optional(),
      min_severity: z.enum(['low', 'medium', 'high', 'critical']).optional(),
      /** Every listed tag must be on the finding's resource (drift). */
      resource_tags: z.record(z.string().trim().min(1).max(128), z.string().trim().max(256)).optional(),
    })
    .refine((c) => (c.engine ?? 'anomaly') !== 'anomaly' || c.threshold !== undefined, { message: 'an anomaly rule needs a threshold', path: ['threshold'] })
    .refine((c) => c.threshold === undefined || c.field !== 'score' || (c.threshold >= 0 && c.threshold <= 1), { message: 'a score threshold is between 0 and 1', path: ['threshold'] }),
  channels: z.array(z.union([channelType, inlineChannel])).min(1).max(10),
  channelConfig: channelConfig.optional(),
  escalation: z.object({ timeout: z.number().int().min(1).max(30 * 86_400), escalateTo: z.string().trim().min(1).max(2000) }).optional(),
  enabled: z.boolean().optional(),
});
export type CreateAlertRuleInput = z.infer<typeof createAlertRuleBody>;

export const alertRule = z.object({
  id: z.string(),
  name: z.string(),
  severity: z.string(),
  conditions: z.record(z.string(), z.unknown()),
  channels: z.array(z.object({ type: channelType, configured: z.boolean(), target: z.string().nullable() })),
  escalation: z.object({ timeout: z.number(), escalateTo: z.string() }).nullable(),
  enabled: z.boolean(),
  createdAt: z.string(),
});
