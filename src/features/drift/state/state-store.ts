import { createHash } from 'node:crypto';
import type { Clock } from '../../../lib/clock';
import { AppError, conflict } from '../../../lib/errors';
import { newId } from '../../../lib/ids';
import type { Logger } from '../../../lib/logger';
import { isUniqueViolation } from '../../../db/unique';
import { BackendUnavailableError } from './backends/driver';
import type { DriverRegistry } from './backends/registry';
import type { BackendRow, StateFileRow, StateRepository } from './state.repository';
import { type TfState, TfStateError, parseTfState } from './tfstate/tfstate';

export const md5Hex = (content: string) => createHash('md5').update(content, 'utf8').digest('hex');

export function managedInstanceCount(state: TfState): number {
  return (state.resources ?? []).filter((r) => r.mode === 'managed').reduce((n, r) => n + r.instances.filter((i) => !i.deposed).length, 0);
}

export function unavailable(error: unknown): AppError {
  const message = error instanceof BackendUnavailableError ? error.message : 'State backend unavailable';
  return new AppError({ code: 'SERVICE_UNAVAILABLE', message, cause: error });
}

export interface VersionMeta {
  action: string;
  reason?: string | null;
  userId?: string | null;
  lastModified?: number | null;
}

/**
 * Content of state files and their versions. Every content Vigil sees or writes becomes a numbered version
 * (history); `http` states live only here, other backends are read through their driver and written through.
 */
export function createStateStore(deps: { repo: StateRepository; drivers: DriverRegistry; clock: Clock; logger: Logger }) {
  const { repo, drivers, clock } = deps;
  /** States this instance is writing through to their backend: readers must not record the old file meanwhile. */
  const writing = new Set<string>();

  /** Appends `content` as the next version of `file`; a concurrent writer of the same slot gets a 409. */
  async function recordVersion(file: StateFileRow, content: string, state: TfState, meta: VersionMeta): Promise<StateFileRow> {
    const now = clock.now();
    const version = file.latest_version + 1;
    const md5 = md5Hex(content);
    const patch = {
      latest_version: version,
      serial: state.serial,
      lineage: state.lineage,
      terraform_version: typeof state.terraform_version === 'string' ? state.terraform_version : null,
      size: Buffer.byteLength(content, 'utf8'),
      resource_count: managedInstanceCount(state),
      content_md5: md5,
      present: 1,
      last_modified: meta.lastModified ?? now,
      updated_at: now,
    };
    try {
      await repo.db.transaction().execute(async (trx) => {
        await repo.insertVersion(
          {
            id: newId(),
            organization_id: file.organization_id,
            state_id: file.id,
            version,
            serial: state.serial,
            lineage: state.lineage,
            content,
            md5,
            size: patch.size,
            action: meta.action,
            reason: meta.reason ?? null,
            created_by: meta.userId ?? null,
            created_at: now,
          },
          trx,
        );
        await repo.updateFile(file.id, patch, trx);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('The state changed while this operation ran; retry it');
      throw error;
    }
    return { ...file, ...patch };
  }

  /** Latest content: from the database for `http`, else re-read from the backend (recording a change if any). */
  async function currentContent(backend: BackendRow, file: StateFileRow): Promise<{ file: StateFileRow; content: string | null }> {
    const driver = drivers.get(backend);
    if (!driver || writing.has(file.id)) {
      if (file.latest_version === 0 || !file.present) return { file, content: null };
      const row = await repo.getVersion(file.id, file.latest_version);
      return { file, content: row?.content ?? null };
    }
    let content: string | null;
    try {
      content = await driver.read(file.path);
    } catch (error) {
      throw unavailable(error);
    }
    if (content === null) {
      if (file.present) await repo.updateFile(file.id, { present: 0, updated_at: clock.now() });
      return { file: { ...file, present: 0 }, content: null };
    }
    if (md5Hex(content) === file.content_md5) return { file, content };
    try {
      return { file: await recordVersion(file, content, parseTfState(content), { action: 'observed' }), content };
    } catch (error) {
      // A concurrent reader recorded the same change first: its row is as good as ours.
      if (error instanceof AppError && error.code === 'CONFLICT') return { file: (await repo.getFile(file.organization_id, file.id)) ?? file, content };
      if (error instanceof TfStateError) throw new AppError({ code: 'CONFLICT', message: `${file.path} is not a readable terraform v4 state: ${error.message}` });
      throw error;
    }
  }

  /** Lists a backend's states and records new or changed ones. Returns how many states it holds. */
  async function syncBackend(backend: BackendRow): Promise<number> {
    const driver = drivers.get(backend);
    if (!driver) return (await repo.filesOfBackend(backend.id)).filter((f) => f.present && f.latest_version > 0).length;
    const now = clock.now();
    try {
      const objects = await driver.list();
      const known = new Map((await repo.filesOfBackend(backend.id)).map((file) => [file.path, file]));
      const seen = new Set<string>();
      let index = 0;
      const worker = async () => {
        while (index < objects.length) {
          const object = objects[index++]!;
          seen.add(object.path);
          let file = known.get(object.path);
          if (file && writing.has(file.id)) continue;
          if (file?.present && file.latest_version > 0 && file.size === object.size && object.lastModified !== null && file.last_modified === object.lastModified) continue;
          file ??= await repo.ensureFile(newFileRow(backend, object.path, object.lastModified ?? now, now));
          const content = await driver.read(object.path);
          if (content === null) continue;
          if (md5Hex(content) === file.content_md5) {
            await repo.updateFile(file.id, { present: 1, size: object.size, last_modified: object.lastModified ?? file.last_modified, updated_at: now });
            continue;
          }
          let state: TfState;
          try {
            state = parseTfState(content);
          } catch (error) {
            deps.logger.debug({ path: object.path, err: error }, 'skipped a file that is not a terraform v4 state');
            continue;
          }
          await recordVersion(file, content, state, { action: 'observed', lastModified: object.lastModified }).catch((error) => {
            if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, objects.length) }, worker));
      for (const file of known.values()) {
        if (file.present && !seen.has(file.path)) await repo.updateFile(file.id, { present: 0, updated_at: now });
      }
      await repo.setBackendStatus(backend.id, { status: 'active', last_checked: now, last_error: null, updated_at: backend.updated_at });
      return objects.length;
    } catch (error) {
      const message = error instanceof BackendUnavailableError ? error.message : 'backend could not be read';
      if (!(error instanceof BackendUnavailableError)) deps.logger.warn({ err: error, backend: backend.id }, 'state backend sync failed');
      await repo.setBackendStatus(backend.id, { status: 'error', last_checked: now, last_error: message, updated_at: backend.updated_at });
      return 0;
    }
  }

  /** Runs `work` (record a version, write it through) while readers of this instance leave the state alone. */
  async function whileWriting<T>(stateId: string, work: () => Promise<T>): Promise<T> {
    writing.add(stateId);
    try {
      return await work();
    } finally {
      writing.delete(stateId);
    }
  }

  return { recordVersion, currentContent, syncBackend, whileWriting };
}

export function newFileRow(backend: BackendRow, path: string, lastModified: number, now: number): StateFileRow {
  return {
    id: newId(),
    organization_id: backend.organization_id,
    backend_id: backend.id,
    path,
    present: 1,
    latest_version: 0,
    serial: null,
    lineage: null,
    terraform_version: null,
    size: 0,
    resource_count: 0,
    content_md5: null,
    last_modified: lastModified,
    created_at: now,
    updated_at: now,
  };
}

export type StateStore = ReturnType<typeof createStateStore>;
