import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';

/**
 * Slows password guessing per account and per address with growing delays. Each key gets a few free failures,
 * then every further failure doubles the wait (capped), and a quiet hour forgets the key. There is no permanent
 * lockout: an attacker can at worst make a victim's account wait `accountMaxDelaySeconds`, and a success clears
 * the account's count. Counters live in the database so every instance sees the same ones.
 */
export interface ThrottlePolicy {
  accountFreeFailures: number;
  accountMaxDelaySeconds: number;
  addressFreeFailures: number;
  addressMaxDelaySeconds: number;
  forgetAfterSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  accountFreeFailures: 5,
  accountMaxDelaySeconds: 300,
  addressFreeFailures: 10,
  addressMaxDelaySeconds: 900,
  forgetAfterSeconds: 3600,
};

/** Seconds to wait after the `failures`-th failure: 0 for the free ones, then 1, 2, 4, ... up to the cap. */
export function delaySeconds(failures: number, free: number, max: number): number {
  if (failures < free) return 0;
  return Math.min(max, 2 ** Math.min(30, failures - free));
}

export function createLoginThrottle(deps: { db: Kysely<Database>; clock: Clock; policy?: ThrottlePolicy }) {
  const { db, clock } = deps;
  const policy = deps.policy ?? DEFAULT_THROTTLE;
  const keysFor = (login: string, address: string | null) => [
    { key: `account:${login.trim().toLowerCase()}`, free: policy.accountFreeFailures, max: policy.accountMaxDelaySeconds },
    ...(address ? [{ key: `address:${address}`, free: policy.addressFreeFailures, max: policy.addressMaxDelaySeconds }] : []),
  ];

  return {
    policy,
    /** Throws 429 with Retry-After while the account or the address must wait. Checked before the password is. */
    async check(login: string, address: string | null) {
      const now = clock.now();
      const keys = keysFor(login, address);
      const rows = await db.selectFrom('login_throttle').selectAll().where('key', 'in', keys.map((k) => k.key)).execute();
      const until = Math.max(0, ...rows.map((r) => Number(r.blocked_until)));
      if (until > now) {
        const retryAfter = Math.max(1, Math.ceil((until - now) / 1000));
        throw new AppError({
          code: 'RATE_LIMIT_EXCEEDED',
          message: `Too many failed logins; try again in ${retryAfter} s`,
          headers: { 'retry-after': String(retryAfter) },
          extra: { retry_after: retryAfter },
        });
      }
    },

    /** Counts one failure on both keys atomically and sets how long each must now wait. */
    async recordFailure(login: string, address: string | null) {
      const now = clock.now();
      const stale = now - policy.forgetAfterSeconds * 1000;
      for (const { key, free, max } of keysFor(login, address)) {
        await db
          .insertInto('login_throttle')
          .values({ key, failures: 1, last_failure_at: now, blocked_until: 0 })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: sql<number>`case when login_throttle.last_failure_at < ${stale} then 1 else login_throttle.failures + 1 end`,
              last_failure_at: now,
            }),
          )
          .execute();
        const row = await db.selectFrom('login_throttle').select('failures').where('key', '=', key).executeTakeFirst();
        const wait = delaySeconds(Number(row?.failures ?? 1), free, max);
        if (wait > 0) await db.updateTable('login_throttle').set({ blocked_until: now + wait * 1000 }).where('key', '=', key).execute();
      }
    },

    /** A correct password clears the account's count (not the address's: one's own account must not reset guessing). */
    async recordSuccess(login: string) {
      await db.deleteFrom('login_throttle').where('key', '=', keysFor(login, null)[0]!.key).execute();
    },

    /** Forgets keys quiet for longer than the window (the retention pruner calls this). */
    async prune(before = clock.now() - policy.forgetAfterSeconds * 1000) {
      const result = await db.deleteFrom('login_throttle').where('last_failure_at', '<', before).where('blocked_until', '<', clock.now()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
