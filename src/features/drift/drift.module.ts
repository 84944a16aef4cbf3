import type { DriftCore } from './drift.deps';
import type { App } from '../../server/types';
import { createCostService } from './cost/cost.service';
import { createDriftDetectService } from './drift-detect.service';
import { createDriftIgnoreService } from './drift-ignore.service';
import { createDriftReportService } from './drift-report.service';
import { createDriftResultsRepository } from './drift-results.repository';
import { driftRoutes } from './drift.routes';
import type { StateSource } from './drift.types';
import { createInventoryService } from './inventory.service';
import { createAwsProvider } from './inventory/providers/aws.provider';
import { createSnapshotProvider } from './inventory/providers/snapshot.provider';
import { createResourcesRepository } from './resources.repository';
import { resourcesRoutes } from './resources.routes';
import { inventoryFiles, readWorkspaceIgnore, workspaceRoots } from './workspace';
import type { SuppressionsApi } from '../suppressions/suppressions.api';
import type { DriftThreatsApi } from '../threats/drift-threats.service';

/**
 * The live side of the drift feature: inventory providers, drift jobs and reports, cost and compliance. The
 * expected side (Terraform states) comes from the state module through `state`.
 */
export function createDriftModule(core: DriftCore, deps: { state: StateSource; suppressions?: SuppressionsApi; threats?: DriftThreatsApi }) {
  const { config, db, clock, bus, logger, settings } = core;
  const defaultOrganizationId = () => core.accounts.defaultOrganizationId();
  const roots = workspaceRoots(config);
  const snapshot = createSnapshotProvider({ files: () => inventoryFiles(roots), defaultOrganizationId, logger });
  const aws = createAwsProvider({ config, defaultOrganizationId, logger });
  const resourcesRepo = createResourcesRepository(db);
  const resultsRepo = createDriftResultsRepository(db);
  const costs = createCostService({ db, clock });
  const requiredTags = config.driftRequiredTags.split(',').map((t) => t.trim()).filter(Boolean);
  const inventory = createInventoryService({ repo: resourcesRepo, costs, settings, bus, clock, logger, providers: [snapshot, aws], workspace: snapshot, requiredTags });
  const ignore = createDriftIgnoreService({
    settings, clock, workspaceText: () => readWorkspaceIgnore(roots),
    appliesWorkspace: async (organizationId) => organizationId === (await defaultOrganizationId()),
  });
  const detect = createDriftDetectService({
    repo: resultsRepo, inventory, state: deps.state, ignore, bus, clock, logger, background: config.backgroundJobs,
    scanIntervalSeconds: config.driftScanIntervalSeconds, defaultOrganizationId,
    suppressions: deps.suppressions, threats: deps.threats,
  });
  const reports = createDriftReportService({ repo: resultsRepo, clock, countResources: (organizationId) => resourcesRepo.count(organizationId) });

  core.ws.map('drift.scan_completed', 'drift', (event) => ({
    type: 'drift_detection',
    data: {
      job_id: event.data.job_id, result_id: event.data.result_id ?? null, resource_id: event.data.resource_id ?? null, status: event.data.status,
      drift_detected: Boolean(event.data.drift_detected), drift_count: Number(event.data.drift_count ?? 0),
    },
  }));
  core.ws.map('remediation.updated', 'drift', (event) => ({
    type: 'remediation_update',
    data: {
      job_id: event.data.job_id ?? null, resource_id: event.data.resource_id, status: event.data.status ?? 'planned', progress: event.data.progress ?? 0,
      message: event.data.message ?? '', plan: event.data.plan ?? null,
    },
  }));
  core.ws.map('resource.updated', 'drift', (event) => ({
    type: 'resource_update',
    data: { resource_id: event.data.resource_id, action: event.data.action, changes: event.data.changes ?? {} },
  }));

  return {
    services: { inventory, detect, reports, ignore, costs },
    routes(app: App) {
      resourcesRoutes({ inventory, ingestBodyLimitBytes: config.ingestBodyLimitBytes })(app);
      driftRoutes({ detect, reports, ignore })(app);
    },
    async start() {
      if (config.backgroundJobs) await detect.start();
    },
    async stop() {
      await detect.stop();
    },
  };
}

export type DriftModule = ReturnType<typeof createDriftModule>;
