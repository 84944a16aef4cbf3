import type { Clock } from '../../../lib/clock';
import { AppError, conflict, forbidden } from '../../../lib/errors';
import type { EventBus } from '../../../events/bus';
import { isUniqueViolation } from '../../../db/unique';
import type { Principal } from '../../../server/types';
import type { StateFileRow, StateLockRow, StateRepository } from './state.repository';

/** Terraform's lock-info JSON (statemgr.LockInfo), field names as terraform sends and reads them. */
export interface LockInfo {
  ID: string;
  Operation: string;
  Info: string;
  Who: string;
  Version: string;
  Created: string;
  Path: string;
}

export const toLockInfo = (row: StateLockRow): LockInfo => ({
  ID: row.lock_id,
  Operation: row.operation,
  Info: row.info,
  Who: row.who,
  Version: row.version,
  Created: row.created,
  Path: row.path,
});

export type AcquireResult = { acquired: true; lock: LockInfo } | { acquired: false; holder: LockInfo };

/** The 423 answer for an operation on a state someone else holds. */
export const stateLocked = (holder: LockInfo) =>
  new AppError({ code: 'STATE_LOCKED', message: `State is locked by ${holder.Who} (lock ${holder.ID}, ${holder.Operation})`, details: { lock: holder } });

/**
 * Real locks, shared by the REST API and the terraform HTTP backend: one row per locked state whose primary
 * key makes acquisition a single insert, so exactly one of any number of concurrent attempts (on any instance
 * sharing the database) wins. There is no read-then-write.
 */
export function createLocksService(deps: { repo: StateRepository; clock: Clock; bus: EventBus }) {
  const { repo, clock } = deps;

  function publish(file: StateFileRow, action: 'locked' | 'unlocked', lock: LockInfo, reason: string | null, extra: Record<string, unknown> = {}) {
    deps.bus.publish('state.updated', file.organization_id, {
      state_id: file.id,
      action,
      reason: reason ?? lock.Info,
      backend_id: file.backend_id,
      path: file.path,
      lock_id: lock.ID,
      who: lock.Who,
      ...extra,
    });
  }

  async function acquire(principal: Principal, file: StateFileRow, info: LockInfo): Promise<AcquireResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await repo.insertLock({
          state_id: file.id,
          organization_id: file.organization_id,
          lock_id: info.ID,
          operation: info.Operation,
          info: info.Info,
          who: info.Who,
          version: info.Version,
          path: info.Path,
          created: info.Created,
          holder_user_id: principal.userId,
          created_at: clock.now(),
        });
        publish(file, 'locked', info, info.Info || null);
        return { acquired: true, lock: info };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const holder = await repo.getLock(file.id);
        if (holder) return { acquired: false, holder: toLockInfo(holder) };
        // Released between our insert and our read: try again.
      }
    }
    throw conflict('The lock changed hands repeatedly; retry');
  }

  async function holderOf(file: StateFileRow): Promise<StateLockRow | undefined> {
    return repo.getLock(file.id);
  }

  return {
    acquire,
    holderOf,
    /** REST unlock: the holder (same user) may unlock; `force` (administrators only) unlocks whoever holds it. */
    async unlockByUser(principal: Principal, file: StateFileRow, force: boolean) {
      if (force && principal.role !== 'admin') throw forbidden('Only an administrator may force-unlock a state');
      const held = await repo.getLock(file.id);
      if (!held) throw conflict('State is not locked');
      const info = toLockInfo(held);
      if (!force && held.holder_user_id !== principal.userId) {
        throw conflict(`State is locked by ${info.Who}; only the holder may unlock it (an administrator may force it)`, { lock: info });
      }
      if (!(await repo.deleteLock(file.id, held.lock_id))) throw conflict('The lock changed while unlocking; retry');
      publish(file, 'unlocked', info, force ? 'force unlock' : null, { force });
      return { state_id: file.id, unlocked: true, forced: force, lock: info };
    },
    /** Terraform HTTP UNLOCK: the lock ID is the capability (terraform's force-unlock sends the ID it read). */
    async unlockById(file: StateFileRow, lockId: string): Promise<{ released: boolean; holder: LockInfo | null }> {
      const held = await repo.getLock(file.id);
      if (!held) return { released: true, holder: null };
      if (held.lock_id !== lockId) return { released: false, holder: toLockInfo(held) };
      if (!(await repo.deleteLock(file.id, lockId))) return { released: true, holder: null };
      publish(file, 'unlocked', toLockInfo(held), null);
      return { released: true, holder: null };
    },
    /** REST operations: refused (423) while someone else holds the lock; the holder may go on. */
    async assertUnlockedFor(principal: Principal, file: StateFileRow) {
      const held = await repo.getLock(file.id);
      if (held && held.holder_user_id !== principal.userId) throw stateLocked(toLockInfo(held));
    },
  };
}

export type LocksService = ReturnType<typeof createLocksService>;
