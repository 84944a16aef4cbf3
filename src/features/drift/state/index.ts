import type { DriftCore } from '../drift.deps';
import type { App } from '../../../server/types';
import { backendsRoutes } from './backends.routes';
import { createBackendsService } from './backends.service';
import { createDriverRegistry } from './backends/registry';
import { createLocksService } from './locks.service';
import { createStateRepository } from './state.repository';
import { stateRoutes } from './state.routes';
import { createStateService, type StateSnapshot as ServiceSnapshot } from './state.service';
import { createStateStore } from './state-store';
import { terraformHttpRoutes } from './terraform-http.routes';

export { parseTfState, serializeTfState, TfStateError } from './tfstate/tfstate';
export type { TfState, TfResource, TfInstance, TfOutput } from './tfstate/tfstate';
export type { LockInfo } from './locks.service';

import type { StateResourceInstanceView } from './tfstate/tfstate';
import type { StateSnapshot } from './state.service';
export type StateResourceInstance = StateResourceInstanceView;
export type { StateSnapshot };

export interface StateModule {
  /** Registers all routes: backends, state, terraform HTTP backend protocol. */
  routes: (app: App) => void;
  hooks?: (app: App) => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  service: {
    /** Latest version of every state of the organization. */
    listSnapshots(organizationId: string): Promise<StateSnapshot[]>;
    /** 404 RESOURCE_NOT_FOUND when unknown or foreign. */
    getSnapshot(organizationId: string, stateId: string): Promise<StateSnapshot>;
    /** Runs discovery of the configured sources for the org (idempotent); used at start-up for the default org. */
    discover(organizationId: string, input?: { providers?: string[]; regions?: string[] }): Promise<unknown>;
  };
}

// Compile-time check that the service's snapshot is the exported shape.
const _sameShape = (s: ServiceSnapshot): StateSnapshot => s;
void _sameShape;

/**
 * The state side of the drift engine: terraform state backends (local, http, pg, s3), state files with their
 * history, state surgery, locks, and terraform's HTTP backend protocol.
 */
export function createStateModule(core: DriftCore): StateModule {
  const repo = createStateRepository(core.db);
  const drivers = createDriverRegistry((stored) => core.secrets.open(stored));
  const store = createStateStore({ repo, drivers, clock: core.clock, logger: core.logger });
  const backends = createBackendsService({
    repo,
    store,
    drivers,
    clock: core.clock,
    logger: core.logger,
    config: core.config,
    defaultOrganizationId: () => core.accounts.defaultOrganizationId(),
    secrets: core.secrets,
    guard: core.outbound,
  });
  const locks = createLocksService({ repo, clock: core.clock, bus: core.bus });
  const state = createStateService({ repo, store, drivers, backends, locks, bus: core.bus, clock: core.clock });

  core.ws.map('state.updated', 'drift', (event) => {
    const data = event.data as Record<string, unknown>;
    return { type: 'state_update', data: { ...data, state_id: data.state_id, action: data.action, reason: data.reason ?? null } };
  });

  return {
    routes(app: App) {
      backendsRoutes({ backends, audit: core.audit })(app);
      stateRoutes({ state, audit: core.audit })(app);
      terraformHttpRoutes({
        repo,
        store,
        backends,
        locks,
        bus: core.bus,
        clock: core.clock,
        bodyLimitBytes: Math.max(core.config.bodyLimitBytes, core.config.ingestBodyLimitBytes),
        audit: core.audit,
      })(app);
    },
    async start() {
      if (!core.config.backgroundJobs) return;
      try {
        await backends.discover(await core.accounts.defaultOrganizationId());
      } catch (error) {
        core.logger.warn({ err: error }, 'terraform state discovery at start-up failed');
      }
    },
    async stop() {
      await drivers.closeAll();
    },
    service: {
      listSnapshots: (organizationId) => state.listSnapshots(organizationId),
      getSnapshot: (organizationId, stateId) => state.snapshot(organizationId, stateId),
      discover: (organizationId, input) => backends.discover(organizationId, input),
    },
  };
}
