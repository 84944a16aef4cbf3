import { performance } from 'node:perf_hooks';
import type { AuditApi } from '../audit/audit.api';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { fromJson, isoOrNull, toJson } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { AppError, conflict } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { Principal } from '../../server/types';
import { round, type Agents } from './agents';
import { attemptStep, type StepRunner } from './playbook-steps';
import { renderSteps, templateFor, type PlaybookTemplate, type StepAction } from './playbook-templates';
import type { PlaybookRow, PlaybooksRepository, StepRow } from './playbooks.repository';
import { nextSeq, type ThreatRow, type ThreatsRepository } from './threats.repository';

const playbookNotFound = (id: string) => new AppError({ code: 'PLAYBOOK_NOT_FOUND', message: `Playbook with ID ${id} not found` });

function toSummary(row: PlaybookRow, steps: number) {
  return {
    id: row.id,
    threat_id: row.threat_id,
    template: row.template,
    status: row.status,
    approval_status: row.approval_status,
    approved_by: row.approved_by,
    approved_at: isoOrNull(row.approved_at),
    steps,
    estimated_success: Number(row.estimated_success),
    success_rate: row.success_rate === null ? null : Number(row.success_rate),
    created_at: isoOrNull(row.created_at)!,
    started_at: isoOrNull(row.started_at),
    completed_at: isoOrNull(row.completed_at),
  };
}

function toStep(row: StepRow) {
  return {
    order: Number(row.step_order),
    action: row.action,
    params: fromJson<Record<string, unknown>>(row.params, {}),
    status: row.status,
    result: row.result,
    error: row.error,
    attempts: Number(row.attempts),
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    estimated_success: Number(row.estimated_success),
    actual_success: row.status === 'completed' ? 1 : row.status === 'failed' ? 0 : null,
    started_at: isoOrNull(row.started_at),
    finished_at: isoOrNull(row.finished_at),
  };
}

/**
 * The executor agent: generates a playbook from the threat type's template (waiting for approval), and on
 * approval runs its steps in order, each bounded by the executor's timeout and re-run up to retry_attempts
 * times, recording status, result and measured duration. success_rate = completed steps / steps.
 */
export function createPlaybooksService(deps: {
  db: Kysely<Database>;
  repo: PlaybooksRepository;
  threats: ThreatsRepository;
  agents: Agents;
  steps: StepRunner;
  templates: Map<string, PlaybookTemplate>;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  audit?: AuditApi;
}) {
  const { db, repo, agents, clock, bus } = deps;

  const eventBase = (threat: ThreatRow) => ({
    threat_id: threat.id,
    severity: threat.severity,
    confidence: Number(threat.confidence),
    threat_type: threat.threat_type,
    simulated: threat.simulated === 1,
  });

  function timelineRow(threat: ThreatRow, event: string, agent: string | null, actor: string | null, details: unknown) {
    return { id: newId(), organization_id: threat.organization_id, threat_id: threat.id, event, agent, actor, details: toJson(details), at: clock.now(), seq: nextSeq() };
  }

  async function generate(threat: ThreatRow) {
    const template = templateFor(deps.templates, threat.threat_type);
    const rendered = renderSteps(template, {
      threat_id: threat.id,
      threat_type: threat.threat_type,
      severity: threat.severity,
      source_ip: threat.source_ip,
      user: threat.user_name,
      target: threat.target,
      source: threat.source,
    });
    const now = clock.now();
    const estimated = rendered.length > 0 ? rendered.reduce((sum, step) => sum + step.estimated_success, 0) / rendered.length : 0;
    const playbook: PlaybookRow = {
      id: newId(),
      organization_id: threat.organization_id,
      threat_id: threat.id,
      template: template.key,
      status: 'pending_approval',
      approval_status: 'pending',
      approved_by: null,
      approved_at: null,
      approval_comment: null,
      estimated_success: round(estimated, 4),
      success_rate: null,
      created_at: now,
      started_at: null,
      completed_at: null,
    };
    const steps: StepRow[] = rendered.map((step) => ({
      id: newId(),
      organization_id: threat.organization_id,
      playbook_id: playbook.id,
      step_order: step.order,
      action: step.action,
      params: toJson(step.params),
      status: 'pending',
      result: null,
      error: null,
      attempts: 0,
      duration_ms: null,
      estimated_success: step.estimated_success,
      started_at: null,
      finished_at: null,
    }));
    await db.transaction().execute(async (trx) => {
      await repo.insert(playbook, steps, trx);
      await deps.threats.insertTimeline([timelineRow(threat, 'playbook_generated', 'executor', null, { playbook_id: playbook.id, template: template.key, steps: steps.length })], trx);
    });
    const base = { ...eventBase(threat), playbook_id: playbook.id, timestamp: new Date(now).toISOString() };
    bus.publish('playbook.generated', threat.organization_id, { ...base, steps: steps.length, template: template.key });
    bus.publish('playbook.approval_required', threat.organization_id, { ...base, estimated_success: playbook.estimated_success });
    return playbook;
  }

  async function runStep(step: StepRow, threat: ThreatRow, playbook: PlaybookRow, timeoutMs: number, retries: number) {
    const startedAt = clock.now();
    const started = performance.now();
    await repo.updateStep(step.id, { status: 'running', started_at: startedAt });
    const params = fromJson<Record<string, unknown>>(step.params, {});
    const ctx = { organizationId: threat.organization_id, threat, playbookId: playbook.id, approvedBy: playbook.approved_by ?? '' };
    const outcome = await attemptStep(() => deps.steps.run(step.action as StepAction, params, ctx), retries, timeoutMs, step.action);
    const { result, error, attempts } = outcome;
    const status = 'skipped' in outcome ? 'skipped' : error === null ? 'completed' : 'failed';
    await repo.updateStep(step.id, { status, result: result ?? `Failed: ${error}`, error, attempts, duration_ms: round(performance.now() - started, 3), finished_at: clock.now() });
    await deps.audit?.record({ organizationId: threat.organization_id, action: 'playbook.step_executed', outcome: status === 'failed' ? 'failure' : 'success', actor: { userId: null, username: playbook.approved_by }, target: { type: 'playbook', id: playbook.id }, details: { step_id: step.id, action: step.action, status, params, attempts, error } });
    return status !== 'failed';
  }

  async function execute(playbook: PlaybookRow, threat: ThreatRow) {
    const { executor } = await agents.configsOf(threat.organization_id);
    const steps = await repo.steps(playbook.id);
    let completed = 0;
    for (const step of steps) if (await runStep(step, threat, playbook, executor.timeout * 1000, executor.retry_attempts)) completed++;
    const successRate = steps.length > 0 ? round(completed / steps.length, 4) : 0;
    const status = completed === steps.length ? 'completed' : completed === 0 ? 'failed' : 'completed_with_errors';
    const now = clock.now();
    const mitigated = steps.length > 0 && successRate >= executor.threshold;
    await db.transaction().execute(async (trx) => {
      await repo.update(playbook.id, { status, success_rate: successRate, completed_at: now }, trx);
      const details = { playbook_id: playbook.id, success_rate: successRate, completed_steps: completed, steps: steps.length, threshold: executor.threshold };
      if (mitigated && threat.status !== 'mitigated') {
        await deps.threats.updateStatus(threat.organization_id, threat.id, { status: 'mitigated', mitigated_at: now, updated_at: now }, trx);
        await deps.threats.insertTimeline([timelineRow(threat, 'threat_mitigated', 'executor', null, details)], trx);
      } else {
        await deps.threats.insertTimeline([timelineRow(threat, 'playbook_completed', 'executor', null, { ...details, mitigated: false })], trx);
      }
    });
    const base = { ...eventBase(threat), playbook_id: playbook.id, timestamp: new Date(now).toISOString(), success_rate: successRate };
    bus.publish('playbook.completed', threat.organization_id, { ...base, status });
    if (mitigated) bus.publish('threat.mitigated', threat.organization_id, base);
    if (completed < steps.length) throw new Error(`${steps.length - completed} of ${steps.length} playbook steps failed`);
    return status;
  }

  async function findOwned(organizationId: string, id: string) {
    const playbook = await repo.find(organizationId, id);
    if (!playbook) throw playbookNotFound(id);
    return playbook;
  }

  return {
    generate,
    async list(organizationId: string, threatId: string | undefined, page: number, limit: number) {
      const { items, total } = await repo.list(organizationId, threatId, page, limit);
      const counts = await repo.stepCounts(items.map((item) => item.id));
      return { playbooks: items.map((row) => toSummary(row, counts.get(row.id) ?? 0)), pagination: { page, limit, total, pages: Math.ceil(total / limit) } };
    },
    async get(organizationId: string, id: string) {
      const playbook = await findOwned(organizationId, id);
      const steps = (await repo.steps(id)).map(toStep);
      return { ...toSummary(playbook, steps.length), steps, actual_success: playbook.success_rate === null ? null : Number(playbook.success_rate), approval_comment: playbook.approval_comment };
    },
    async approve(principal: Principal, id: string, input: { approved: boolean; comment?: string | null }) {
      const playbook = await findOwned(principal.organizationId, id);
      const threat = await deps.threats.findThreat(principal.organizationId, playbook.threat_id);
      if (!threat) throw playbookNotFound(id);
      const now = clock.now();
      const decidedBy = principal.email || principal.username;
      const patch = { approved_by: decidedBy, approved_at: now, approval_comment: input.comment ?? null };
      if (!input.approved) {
        if (!(await repo.transition(principal.organizationId, id, 'pending_approval', { ...patch, status: 'cancelled', approval_status: 'rejected', completed_at: now }))) {
          throw conflict(`Playbook ${id} is ${playbook.status}; only a playbook pending approval can be rejected`);
        }
        await deps.threats.insertTimeline([timelineRow(threat, 'approval_rejected', null, decidedBy, { playbook_id: id, comment: input.comment ?? null })]);
        bus.publish('playbook.rejected', principal.organizationId, { ...eventBase(threat), playbook_id: id, timestamp: new Date(now).toISOString(), rejected_by: decidedBy });
        await deps.audit?.record({ organizationId: principal.organizationId, action: 'playbook.rejected', actor: principal, target: { type: 'playbook', id }, details: { threat_id: threat.id, comment: input.comment ?? null } });
        return { playbook_id: id, status: 'cancelled', approval_status: 'rejected', approved_by: decidedBy, approved_at: new Date(now).toISOString() };
      }
      if (!(await repo.transition(principal.organizationId, id, 'pending_approval', { ...patch, status: 'executing', approval_status: 'approved', started_at: now }))) {
        throw conflict(`Playbook ${id} is ${playbook.status}; only a playbook pending approval can be approved`);
      }
      await deps.threats.insertTimeline([
        timelineRow(threat, 'approval_received', null, decidedBy, { playbook_id: id, comment: input.comment ?? null }),
        timelineRow(threat, 'playbook_executing', 'executor', null, { playbook_id: id }),
      ]);
      bus.publish('playbook.executing', principal.organizationId, { ...eventBase(threat), playbook_id: id, timestamp: new Date(now).toISOString(), approved_by: decidedBy });
      await deps.audit?.record({ organizationId: principal.organizationId, action: 'playbook.approved', actor: principal, target: { type: 'playbook', id }, details: { threat_id: threat.id, comment: input.comment ?? null } });
      const approved = { ...playbook, ...patch, status: 'executing' };
      let status = 'executing';
      try {
        status = await agents.submit('executor', principal.organizationId, () => execute(approved, threat));
      } catch (error) {
        const row = await repo.find(principal.organizationId, id);
        status = row?.status ?? 'failed';
        deps.logger.info({ playbook: id, reason: error instanceof Error ? error.message : String(error) }, 'threats: playbook finished with failed steps');
      }
      return { playbook_id: id, status, approval_status: 'approved', approved_by: decidedBy, approved_at: new Date(now).toISOString() };
    },
  };
}

export type PlaybooksService = ReturnType<typeof createPlaybooksService>;
