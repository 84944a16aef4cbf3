import type { Clock } from '../../../lib/clock';
import type { EventBus } from '../../../events/bus';
import { AppError, notFound } from '../../../lib/errors';
import { newId } from '../../../lib/ids';
import { toBool } from '../../../db/columns';
import { VERSION } from '../../../lib/version';
import type { Principal } from '../../../server/types';
import type { BackendsService } from './backends.service';
import type { DriverRegistry } from './backends/registry';
import type { LocksService, LockInfo } from './locks.service';
import type { BackendRow, StateFileRow, StateRepository } from './state.repository';
import { type StateStore, unavailable } from './state-store';
import { StateOperationError, importResource, moveResource, removeResource } from './tfstate/operations';
import { type TfState, TfStateError, cloneTfState, parseTfState, plainOutputs, serializeTfState, stateInstances } from './tfstate/tfstate';
import { maskSensitive } from './tfstate/sensitive';

export interface StateSnapshot {
  stateId: string;
  backendId: string;
  path: string;
  serial: number;
  lineage: string;
  terraformVersion: string;
  resources: ReturnType<typeof stateInstances>;
  outputs: Record<string, unknown>;
}

function operationError(error: unknown): never {
  if (error instanceof StateOperationError) {
    const code = error.kind === 'not_found' ? 'RESOURCE_NOT_FOUND' : error.kind === 'conflict' ? 'CONFLICT' : 'VALIDATION_ERROR';
    throw new AppError({ code, message: error.message });
  }
  if (error instanceof TfStateError) throw new AppError({ code: 'CONFLICT', message: `The stored state is not readable: ${error.message}` });
  throw error;
}

/** State files of an organization: list, details, surgery (each a new serial and version), history, rollback. */
export function createStateService(deps: {
  repo: StateRepository;
  store: StateStore;
  drivers: DriverRegistry;
  backends: BackendsService;
  locks: LocksService;
  bus: EventBus;
  clock: Clock;
}) {
  const { repo, store, locks } = deps;

  async function resolve(organizationId: string, stateId: string): Promise<{ file: StateFileRow; backend: BackendRow }> {
    const file = await repo.getFile(organizationId, stateId);
    const backend = file && (await repo.getBackend(organizationId, file.backend_id));
    if (!file || !backend || file.latest_version === 0) throw notFound('State file');
    return { file, backend };
  }

  async function load(organizationId: string, stateId: string) {
    const { file, backend } = await resolve(organizationId, stateId);
    const current = await store.currentContent(backend, file);
    if (current.content === null) throw notFound('State file');
    try {
      return { backend, file: current.file, content: current.content, state: parseTfState(current.content) };
    } catch (error) {
      return operationError(error);
    }
  }

  function summary(file: StateFileRow, locked: boolean) {
    return {
      id: file.id,
      backend_id: file.backend_id,
      path: file.path,
      size: Number(file.size),
      last_modified: new Date(Number(file.last_modified)).toISOString(),
      locked,
      serial: Number(file.serial ?? 0),
      lineage: file.lineage,
      terraform_version: file.terraform_version,
      resource_count: file.resource_count,
      versions: file.latest_version,
    };
  }

  /**
   * Writes `next` as the state's next serial: a new version (history), then through to the backend. If the
   * backend write fails the version is withdrawn, so a 2xx always means both are committed.
   */
  async function writeNext(principal: Principal, stateId: string, action: string, reason: string | null, change: (state: TfState) => TfState) {
    const { backend, file } = await resolve(principal.organizationId, stateId);
    if (toBool(backend.read_only)) {
      throw new AppError({ code: 'CONFLICT', message: `Backend ${backend.name} is read-only: state operations are refused (configure a writable backend)` });
    }
    await locks.assertUnlockedFor(principal, file);
    const current = await load(principal.organizationId, stateId);
    let next: TfState;
    try {
      next = change(cloneTfState(current.state));
    } catch (error) {
      return operationError(error);
    }
    next.serial = current.state.serial + 1;
    next.lineage = current.state.lineage;
    const text = serializeTfState(next);
    const driver = deps.drivers.get(backend);
    const updated = await store.whileWriting(file.id, async () => {
      const recorded = await store.recordVersion(current.file, text, next, { action, reason, userId: principal.userId });
      if (!driver) return recorded;
      try {
        await driver.write(file.path, text);
        return recorded;
      } catch (error) {
        await repo.deleteVersion(file.id, recorded.latest_version);
        const { id: _id, organization_id: _o, backend_id: _b, path: _p, ...previous } = current.file;
        await repo.updateFile(file.id, previous);
        throw unavailable(error);
      }
    });
    deps.bus.publish('state.updated', principal.organizationId, {
      state_id: file.id,
      action,
      reason,
      serial: next.serial,
      lineage: next.lineage,
      backend_id: backend.id,
      path: file.path,
    });
    return { file: updated, state: next };
  }

  async function snapshot(organizationId: string, stateId: string): Promise<StateSnapshot> {
    const { file, state } = await load(organizationId, stateId);
    return {
      stateId: file.id,
      backendId: file.backend_id,
      path: file.path,
      serial: state.serial,
      lineage: state.lineage,
      terraformVersion: typeof state.terraform_version === 'string' ? state.terraform_version : '',
      resources: stateInstances(state),
      outputs: plainOutputs(state),
    };
  }

  async function listStates(organizationId: string, query: { backend_id?: string; limit: number; offset: number }) {
    await deps.backends.ensureDiscovered(organizationId);
    const backends = query.backend_id
      ? [await deps.backends.requireBackend(organizationId, query.backend_id)]
      : await repo.listBackends(organizationId);
    await Promise.all(backends.map((backend) => store.syncBackend(backend)));
    const { rows, total } = await repo.listFiles(organizationId, { backendIds: backends.map((b) => b.id), limit: query.limit, offset: query.offset });
    const locked = await repo.lockedStateIds(organizationId, rows.map((row) => row.id));
    return { state_files: rows.map((row) => summary(row, locked.has(row.id))), total, limit: query.limit, offset: query.offset };
  }

  return {
    resolve,
    snapshot,
    list: listStates,
    async listSnapshots(organizationId: string): Promise<StateSnapshot[]> {
      const out: StateSnapshot[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await listStates(organizationId, { limit: 1000, offset });
        for (const file of page.state_files) {
          try {
            out.push(await snapshot(organizationId, file.id));
          } catch (error) {
            if (!(error instanceof AppError)) throw error; // unreadable or unreachable states are left out
          }
        }
        if (offset + 1000 >= page.total) return out;
      }
    },
    async details(organizationId: string, stateId: string) {
      const { file, state } = await load(organizationId, stateId);
      const held = await locks.holderOf(file);
      const resources = [];
      for (const resource of state.resources) {
        for (const instance of resource.instances) {
          const view = stateInstances({ ...state, resources: [{ ...resource, instances: [instance] }] })[0];
          if (!view) continue;
          const attributes = maskSensitive(view.attributes, instance.sensitive_attributes);
          resources.push({
            type: view.type,
            name: view.name,
            id: typeof attributes.id === 'string' || typeof attributes.id === 'number' ? String(attributes.id) : null,
            address: view.address,
            mode: view.mode,
            module: view.module,
            provider: view.provider,
            index_key: view.indexKey,
            schema_version: instance.schema_version ?? 0,
            attributes,
            dependencies: instance.dependencies ?? [],
          });
        }
      }
      return {
        ...summary(file, Boolean(held)),
        id: file.id,
        resources,
        outputs: plainOutputs(state),
        serial: state.serial,
        lineage: state.lineage,
        version: state.version,
        terraform_version: state.terraform_version ?? null,
        lock: held ? { ID: held.lock_id, Operation: held.operation, Info: held.info, Who: held.who, Version: held.version, Created: held.created, Path: held.path } : null,
      };
    },
    async importResource(principal: Principal, input: { state_id: string; resource_type: string; resource_name: string; resource_id: string; attributes?: Record<string, unknown>; provider?: string; module?: string }) {
      let address = '';
      const { file, state } = await writeNext(principal, input.state_id, 'imported', `import ${input.resource_type}.${input.resource_name} (${input.resource_id})`, (s) => {
        address = importResource(s, { type: input.resource_type, name: input.resource_name, id: input.resource_id, attributes: input.attributes, provider: input.provider, module: input.module });
        return s;
      });
      return { state_id: file.id, address, resource_id: input.resource_id, serial: state.serial, lineage: state.lineage, resource_count: file.resource_count };
    },
    async removeResource(principal: Principal, stateId: string, target: string) {
      let removed: string[] = [];
      const { file, state } = await writeNext(principal, stateId, 'removed', `state rm ${target}`, (s) => {
        removed = removeResource(s, target);
        return s;
      });
      return { state_id: file.id, id: target, removed, serial: state.serial, lineage: state.lineage, resource_count: file.resource_count };
    },
    async moveResource(principal: Principal, input: { state_id: string; from_address: string; to_address: string }) {
      let moved = { from: '', to: '' };
      const { file, state } = await writeNext(principal, input.state_id, 'moved', `state mv ${input.from_address} ${input.to_address}`, (s) => {
        moved = moveResource(s, input.from_address, input.to_address);
        return s;
      });
      return { state_id: file.id, from_address: moved.from, to_address: moved.to, serial: state.serial, lineage: state.lineage };
    },
    async history(organizationId: string, stateId: string) {
      const { file } = await resolve(organizationId, stateId);
      const versions = await repo.listVersions(file.id);
      return {
        state_id: file.id,
        versions: versions.map((v) => ({
          version: v.version,
          serial: Number(v.serial),
          lineage: v.lineage,
          action: v.action,
          reason: v.reason,
          size: Number(v.size),
          md5: v.md5,
          created_by: v.created_by,
          created_at: new Date(Number(v.created_at)).toISOString(),
          current: v.version === file.latest_version,
        })),
        total: versions.length,
      };
    },
    async rollback(principal: Principal, stateId: string, serial: number) {
      const { file } = await resolve(principal.organizationId, stateId);
      const target = await repo.latestVersionWithSerial(file.id, serial);
      if (!target) throw notFound(`Version with serial ${serial}`);
      let old: TfState;
      try {
        old = parseTfState(target.content);
      } catch (error) {
        return operationError(error);
      }
      const { file: updated, state } = await writeNext(principal, stateId, 'rolled_back', `rollback to serial ${serial}`, (current) => {
        if (current.lineage !== old.lineage) throw new StateOperationError('conflict', `Serial ${serial} belongs to lineage ${old.lineage}, the state now has ${current.lineage}`);
        return old;
      });
      return { state_id: updated.id, rolled_back_to: serial, serial: state.serial, lineage: state.lineage, resource_count: updated.resource_count };
    },
    async lock(principal: Principal, stateId: string, reason: string, operation: string) {
      const { file } = await resolve(principal.organizationId, stateId);
      const info: LockInfo = {
        ID: newId(),
        Operation: operation,
        Info: reason,
        Who: `${principal.username}@vigil`,
        Version: VERSION,
        Created: new Date(deps.clock.now()).toISOString(),
        Path: file.path,
      };
      const result = await locks.acquire(principal, file, info);
      if (!result.acquired) {
        throw new AppError({ code: 'CONFLICT', message: `State is already locked by ${result.holder.Who} (lock ${result.holder.ID})`, details: { lock: result.holder } });
      }
      return { state_id: file.id, locked: true, lock: result.lock, ...result.lock };
    },
    async unlock(principal: Principal, stateId: string, force: boolean) {
      const { file } = await resolve(principal.organizationId, stateId);
      return locks.unlockByUser(principal, file, force);
    },
  };
}

export type StateService = ReturnType<typeof createStateService>;
