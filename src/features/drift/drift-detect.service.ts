import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { toJson } from '../../db/columns';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { Principal } from '../../server/types';
import type { DetectOptions, DetectScope, DriftFinding, StateSource } from './drift.types';
import type { DriftIgnoreService } from './drift-ignore.service';
import type { DriftResultsRepository, JobRow } from './drift-results.repository';
import { computeDrift } from './diff/drift-engine';
import { planRemediation } from './diff/remediation';
import type { InventoryService } from './inventory.service';
import { applyDriftSuppressions, notifyingSummary, raiseDriftThreats } from './drift-findings-policy';
import type { SuppressionsApi } from '../suppressions/suppressions.api';
import type { DriftThreatsApi } from '../threats/drift-threats.service';

export interface DetectRequest {
  resource_id?: string;
  state_id?: string;
  options?: Partial<DetectOptions>;
}

const DEFAULT_OPTIONS: DetectOptions = { deep_scan: false, include_deleted: true, include_unmanaged: true };

/**
 * Drift detection jobs: `detect` validates the scope, stores a pending job and its result row, and hands the job to
 * the in-process queue; `runJob` does the work (synchronously callable by tests): state snapshots and live inventory
 * in, findings, remediation plan and counts out, then events after commit. Jobs left running by a stopped process
 * are re-queued at start; scheduled scans enqueue one full scan per organization every interval.
 */
export function createDriftDetectService(deps: {
  repo: DriftResultsRepository;
  inventory: InventoryService;
  state: StateSource;
  ignore: DriftIgnoreService;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  background: boolean;
  scanIntervalSeconds: number;
  defaultOrganizationId: () => Promise<string>;
  suppressions?: Pick<SuppressionsApi, 'matchMany'>;
  threats?: DriftThreatsApi;
}) {
  const { repo, clock, bus, logger } = deps;
  let draining: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  async function enqueue(organizationId: string, scope: DetectScope, options: DetectOptions, trigger: 'api' | 'schedule') {
    const now = clock.now();
    const jobId = newId();
    const resultId = newId();
    const resourceId = scope.kind === 'resource' ? scope.resourceId : null;
    const stateId = scope.kind === 'state' ? scope.stateId : null;
    await repo.insertJob(
      { id: jobId, organization_id: organizationId, result_id: resultId, scope: scope.kind, state_id: stateId, resource_id: resourceId, options: toJson(options), trigger, status: 'pending', error: null, created_at: now, started_at: null, completed_at: null },
      {
        id: resultId, organization_id: organizationId, job_id: jobId, scope: scope.kind, resource_id: resourceId, state_id: stateId, status: 'pending', drift_detected: 0, drift_count: 0,
        resources_checked: 0, critical_count: 0, high_count: 0, medium_count: 0, low_count: 0, drifts: '[]', remediation: '[]', error: null, created_at: now, completed_at: null, suppressed_by: null,
      },
    );
    kick();
    return { jobId, resultId };
  }

  function kick() {
    if (!deps.background || stopped) return;
    setImmediate(() => void runPending());
  }

  /** Runs every pending job, one at a time; concurrent calls share the same drain. */
  function runPending(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        for (const id of await repo.pendingJobIds()) {
          if (stopped) return;
          await runJob(id);
        }
      } while (again && !stopped);
    })()
      .catch((error) => logger.error({ err: error }, 'drift: job queue failed'))
      .finally(() => {
        draining = null;
      });
    return draining;
  }

  async function scopeFindings(job: JobRow) {
    const options = { ...DEFAULT_OPTIONS, ...(JSON.parse(job.options) as Partial<DetectOptions>) };
    const scope: DetectScope =
      job.scope === 'state' ? { kind: 'state', stateId: job.state_id! } : job.scope === 'resource' ? { kind: 'resource', resourceId: job.resource_id! } : { kind: 'all' };
    const snapshots = await deps.state.listSnapshots(job.organization_id);
    if (scope.kind === 'state' && !snapshots.some((s) => s.stateId === scope.stateId)) {
      snapshots.push(await deps.state.getSnapshot(job.organization_id, scope.stateId));
    }
    const live = await deps.inventory.liveResources(job.organization_id);
    const computation = computeDrift({ snapshots, live, scope, options, ignoreRules: await deps.ignore.rulesFor(job.organization_id) });
    const liveById = new Map(live.map((resource) => [resource.id, resource]));
    const remediation = planRemediation(computation.findings, liveById, deps.inventory.writableProviders);
    return { computation, remediation, live, liveById };
  }

  /** Runs one job to completion (pending -> running -> completed|failed). Returns false if it was not pending. */
  async function runJob(jobId: string): Promise<boolean> {
    if (!(await repo.claimJob(jobId, clock.now()))) return false;
    const job = (await repo.findJob(jobId))!;
    try {
      const { computation, remediation, live, liveById } = await scopeFindings(job);
      const silenced = await applyDriftSuppressions(deps.suppressions, job.organization_id, computation.findings, liveById);
      const findings = silenced.findings;
      // Before the result reads as completed, so that a completed result's threats are already there.
      await raiseDriftThreats(deps.threats, job.organization_id, job.result_id, clock.now(), findings, remediation, liveById).catch((error) =>
        logger.error({ err: error, jobId }, 'drift: raising threats from drift failed'),
      );
      const count = (severity: DriftFinding['severity']) => findings.filter((f) => f.severity === severity).length;
      await repo.finish(
        jobId,
        {
          status: 'completed', drift_detected: findings.length ? 1 : 0, drift_count: findings.length, resources_checked: computation.resourcesChecked,
          critical_count: count('critical'), high_count: count('high'), medium_count: count('medium'), low_count: count('low'),
          drifts: toJson(findings), remediation: toJson(remediation), error: null, suppressed_by: silenced.suppressedBy,
        },
        clock.now(),
      );
      await deps.inventory.recordCosts(job.organization_id, job.scope === 'resource' ? live.filter((r) => r.id === job.resource_id) : live);
      publishOutcome(job, silenced.notifying, remediation, notifyingSummary(findings, liveById));
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'Drift detection failed; see the server log';
      logger.error({ err: error, jobId }, 'drift: job failed');
      await repo.finish(jobId, { status: 'failed', error: message }, clock.now());
      bus.publish('drift.scan_completed', job.organization_id, { job_id: job.id, result_id: job.result_id, resource_id: job.resource_id, status: 'failed', drift_detected: false, drift_count: 0, error: message });
    }
    return true;
  }

  function publishOutcome(job: JobRow, driftCount: number, remediation: ReturnType<typeof planRemediation>, summary: Record<string, unknown> = {}) {
    const base = { job_id: job.id, result_id: job.result_id, resource_id: job.resource_id, state_id: job.state_id, scope: job.scope };
    bus.publish('drift.scan_completed', job.organization_id, { ...base, status: 'completed', drift_detected: driftCount > 0, drift_count: driftCount });
    if (driftCount > 0) bus.publish('drift.detected', job.organization_id, { ...base, drift_count: driftCount, status: 'completed', ...summary });
    for (const step of remediation) {
      bus.publish('remediation.updated', job.organization_id, {
        job_id: job.id, result_id: job.result_id, resource_id: step.resource_id, resource_address: step.resource_address,
        status: 'planned', progress: 0, message: step.description, plan: step,
      });
    }
  }

  async function scheduledScan() {
    const organizations = new Set([await deps.defaultOrganizationId(), ...(await repo.organizationsWithInventory())]);
    for (const organizationId of organizations) {
      try {
        await deps.inventory.collect(organizationId);
      } catch (error) {
        logger.warn({ err: error, organizationId }, 'drift: provider collection failed; scanning the stored inventory');
      }
      await enqueue(organizationId, { kind: 'all' }, DEFAULT_OPTIONS, 'schedule');
    }
  }

  return {
    runJob,
    runPending,
    scheduledScan,
    async detect(principal: Principal, request: DetectRequest) {
      const organizationId = principal.organizationId;
      let scope: DetectScope = { kind: 'all' };
      if (request.state_id) {
        await deps.state.getSnapshot(organizationId, request.state_id);
        scope = { kind: 'state', stateId: request.state_id };
      }
      if (request.resource_id) {
        const resource = await deps.inventory.requireResource(organizationId, request.resource_id);
        scope = { kind: 'resource', resourceId: resource.id };
      }
      const options = { ...DEFAULT_OPTIONS, ...(scope.kind === 'state' ? { include_unmanaged: false } : {}), ...request.options };
      const { jobId, resultId } = await enqueue(organizationId, scope, options, 'api');
      return { job_id: jobId, result_id: resultId, status: 'started' as const, scope: scope.kind, options, message: 'Drift detection job started' };
    },
    async start() {
      stopped = false;
      await repo.requeueRunning();
      kick();
      if (deps.scanIntervalSeconds > 0) {
        timer = setInterval(() => {
          scheduledScan().catch((error) => logger.error({ err: error }, 'drift: scheduled scan failed'));
        }, deps.scanIntervalSeconds * 1000);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await draining;
    },
  };
}

export type DriftDetectService = ReturnType<typeof createDriftDetectService>;
