import { createHash } from 'node:crypto';
import type { EventBus } from '../../events/bus';
import type { GatewayApi } from '../gateway/gateway.api';
import type { Clock } from '../../lib/clock';
import { isAppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Blocklist } from './blocklist';
import { withTimeout } from './agents';
import { parseDurationMs, type StepAction } from './playbook-templates';
import type { ThreatSettingsService } from './threat-settings.service';
import type { ThreatRow, ThreatsRepository } from './threats.repository';
import type { ThreatsOpsRepository } from './threats-ops.repository';
import type { SuppressionsApi } from '../suppressions/suppressions.api';

export interface StepContext {
  organizationId: string;
  threat: ThreatRow;
  playbookId: string;
  approvedBy: string;
}

export interface StepDeps {
  blocklist: Blocklist;
  gateway: GatewayApi;
  accounts: { disableUser(organizationId: string, idOrName: string): Promise<{ username: string }> };
  repo: ThreatsRepository;
  ops: ThreatsOpsRepository;
  settings: ThreatSettingsService;
  bus: EventBus;
  clock: Clock;
  /** Allowlisted addresses are never quarantined. */
  allowlist?: Pick<SuppressionsApi, 'allowlisted'>;
}

/** A step failed for a reason a retry will not change (bad parameter, unknown user). */
export class PermanentStepError extends Error {}

/** The step must not act (e.g. its address is allowlisted); recorded as skipped with this reason, not as a failure. */
export class SkippedStepError extends Error {}

/**
 * Runs a step up to 1 + `retries` times, each attempt bounded by `timeoutMs`. A PermanentStepError (a reason a
 * retry cannot change) stops at once.
 */
export async function attemptStep(run: () => Promise<string>, retries: number, timeoutMs: number, what: string) {
  let attempts = 0;
  let error: string | null = null;
  while (attempts <= retries) {
    attempts++;
    try {
      return { result: await withTimeout(run(), timeoutMs, what), error: null, attempts };
    } catch (cause) {
      if (cause instanceof SkippedStepError) return { result: `Skipped: ${cause.message}`, error: null, attempts, skipped: true };
      error = cause instanceof Error ? cause.message : String(cause);
      if (cause instanceof PermanentStepError) break;
    }
  }
  return { result: null, error, attempts };
}

const MAX_EVIDENCE_LINES = 10_000;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** Each action really acts on Vigil (or through the gateway) and returns a result line; failures throw. */
export function createStepRunner(deps: StepDeps) {
  const handlers: Record<StepAction, (params: Record<string, unknown>, ctx: StepContext) => Promise<string>> = {
    async QUARANTINE_IP(params, ctx) {
      const ip = text(params.ip);
      if (!ip) throw new PermanentStepError('No IP address to quarantine');
      const allowed = await deps.allowlist?.allowlisted(ctx.organizationId, ip);
      if (allowed) throw new SkippedStepError(`${ip} is allowlisted (${allowed.value}: ${allowed.reason}); not quarantined`);
      const durationMs = params.duration === null || params.duration === 'permanent' ? null : parseDurationMs(params.duration, 86_400_000);
      try {
        const entry = await deps.blocklist.add(ctx.organizationId, {
          ip,
          reason: text(params.reason) ?? `${ctx.threat.threat_type} (threat ${ctx.threat.id})`,
          durationMs,
          threatId: ctx.threat.id,
          playbookId: ctx.playbookId,
          createdBy: `playbook:${ctx.playbookId}`,
        });
        return `IP ${entry.ip} quarantined ${entry.expires_at ? `until ${entry.expires_at}` : 'without expiry'}`;
      } catch (error) {
        if (isAppError(error) && error.status < 500) throw new PermanentStepError(error.message);
        throw error;
      }
    },

    async TIGHTEN_RATE_LIMIT(params, ctx) {
      const ip = text(params.ip);
      if (!ip) throw new PermanentStepError('No IP address to limit');
      const requestsPerMinute = Math.max(1, Math.floor(Number(params.requests_per_minute ?? 10)) || 10);
      const durationSeconds = Math.round(parseDurationMs(params.duration, 3_600_000) / 1000);
      const limit = await deps.gateway.tightenLimit({
        organizationId: ctx.organizationId,
        subject: { type: 'ip', value: ip },
        requestsPerMinute,
        durationSeconds,
      });
      return `Rate limit for ${limit.subject} lowered to ${limit.requests_per_minute}/min until ${limit.until}`;
    },

    async FORENSIC_DUMP(params, ctx) {
      const { threat } = ctx;
      const rangeMs = parseDurationMs(params.timerange, 3_600_000);
      const criteria = {
        sourceIp: text(params.source_ip) ?? threat.source_ip,
        user: text(params.user) ?? threat.user_name,
        from: Number(threat.log_time) - rangeMs,
        to: Number(threat.log_time) + rangeMs,
        limit: MAX_EVIDENCE_LINES,
      };
      const related = await deps.repo.relatedLogLines(ctx.organizationId, criteria);
      const lines = related.map((row) => row.line);
      if (!lines.includes(threat.raw_log)) lines.unshift(threat.raw_log);
      const sha256 = createHash('sha256').update(lines.join('\n')).digest('hex');
      await deps.ops.insertEvidence({
        id: newId(),
        organization_id: ctx.organizationId,
        threat_id: threat.id,
        playbook_id: ctx.playbookId,
        line_count: lines.length,
        sha256,
        criteria: JSON.stringify({ source_ip: criteria.sourceIp, user: criteria.user, from: new Date(criteria.from).toISOString(), to: new Date(criteria.to).toISOString() }),
        lines: JSON.stringify(lines),
        created_at: deps.clock.now(),
      });
      return `Logs collected: ${lines.length} entries (sha256 ${sha256})`;
    },

    async ALERT_ADMIN(params, ctx) {
      const { threat } = ctx;
      const message = text(params.message) ?? `${threat.severity} ${threat.threat_type} detected`;
      const data = {
        threat_id: threat.id,
        playbook_id: ctx.playbookId,
        severity: threat.severity,
        message,
        threat_type: threat.threat_type,
        source_ip: threat.source_ip,
        confidence: threat.confidence,
        impact_usd: threat.impact_usd,
      };
      deps.bus.publish('threat.alert', ctx.organizationId, data);
      const subscribed = await deps.gateway.subscribedWebhooks(ctx.organizationId, 'threat.alert');
      const { alert_webhooks: hooks } = await deps.settings.get(ctx.organizationId);
      if (hooks.length === 0 && subscribed === 0) {
        throw new PermanentStepError(
          'No alert destination: no webhook subscribes to threat.alert (POST /api/v1/webhooks) and no alert_webhooks are set (PUT /api/v1/threats/settings); the event was published on the bus only',
        );
      }
      const ids: string[] = [];
      for (const hook of hooks) {
        const delivery = await deps.gateway
          .enqueueDelivery({
            organizationId: ctx.organizationId,
            url: hook.url,
            body: { event: 'threat.alert', created_at: new Date(deps.clock.now()).toISOString(), data },
            secret: hook.secret ?? null,
            origin: `playbook:${ctx.playbookId}`,
            event: 'threat.alert',
          })
          .catch((error: unknown) => {
            // a refused destination (e.g. the SSRF guard) will be refused again: do not retry it
            throw isAppError(error) && error.status < 500 ? new PermanentStepError(error.message) : error;
          });
        ids.push(delivery.id);
      }
      if (ids.length === 0) return `Alert sent as threat.alert to ${subscribed} subscribed webhook(s)`;
      return `Alert queued for delivery to ${ids.length} alert webhook(s) (deliveries ${ids.join(', ')}) and sent as threat.alert to ${subscribed} subscribed webhook(s)`;
    },

    async DRIFT_REMEDIATION_PLAN(_params, ctx) {
      const { threat } = ctx;
      const detections = JSON.parse(threat.detections) as { kind?: string; result_id?: string; remediation?: Record<string, unknown>[] }[];
      const drift = detections.find((d) => d.kind === 'drift');
      if (!drift) throw new PermanentStepError('This threat was not raised from drift; there is no remediation plan to record');
      const plan = (drift.remediation ?? []).filter((step) => step && typeof step === 'object');
      if (plan.length === 0) throw new PermanentStepError(`Drift result ${drift.result_id} has no remediation step for ${threat.target}`);
      const lines = plan.map((step) => JSON.stringify(step));
      const sha256 = createHash('sha256').update(lines.join('\n')).digest('hex');
      await deps.ops.insertEvidence({
        id: newId(), organization_id: ctx.organizationId, threat_id: threat.id, playbook_id: ctx.playbookId, line_count: lines.length, sha256,
        criteria: JSON.stringify({ drift_result_id: drift.result_id, resource: threat.target }), lines: JSON.stringify(lines), created_at: deps.clock.now(),
      });
      for (const step of plan) {
        deps.bus.publish('remediation.updated', ctx.organizationId, {
          result_id: drift.result_id, resource_id: (step.resource_id as string | null) ?? null, resource_address: step.resource_address ?? null,
          status: 'approved', progress: 0, message: `${String(step.description ?? step.action)} (approved by ${ctx.approvedBy || 'an admin'} in playbook ${ctx.playbookId})`, plan: step,
        });
      }
      const commands = plan.map((step) => step.command ?? step.description).filter(Boolean);
      return `Remediation plan approved and recorded as evidence (${plan.length} step(s): ${commands.join('; ')}; sha256 ${sha256})`;
    },

    async DISABLE_USER(params, ctx) {
      const user = text(params.user);
      if (!user) throw new PermanentStepError('No user to disable');
      try {
        const disabled = await deps.accounts.disableUser(ctx.organizationId, user);
        return `Vigil account ${disabled.username} disabled and its sessions revoked`;
      } catch (error) {
        if (isAppError(error) && error.status === 404) throw new PermanentStepError(`'${user}' is not a Vigil user of this organization`);
        throw error;
      }
    },
  };

  return {
    run(action: StepAction, params: Record<string, unknown>, ctx: StepContext): Promise<string> {
      return handlers[action](params, ctx);
    },
  };
}

export type StepRunner = ReturnType<typeof createStepRunner>;
