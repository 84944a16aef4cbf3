import type { Logger } from '../../lib/logger';
import type { ClusterRepository } from './cluster.repository';
import { fairShare } from './partition';

/** What the instance does with a partition it gains or gives up (the anomaly partition workers). */
export interface PartitionOwner {
  /** Taken with this fencing token: load the checkpoint, replay, consume. */
  acquired(partition: number, token: number): Promise<void>;
  /** Hand-off: finish the entry in progress, checkpoint, stop. The lease is released once it resolves. */
  releasing(partition: number): Promise<void>;
  /** Lost (expired and taken by another, or fenced): stop at once and forget the state. */
  lost(partition: number): void;
}

export interface LeaseOptions {
  partitions: number;
  leaseMs: number;
  renewMs: number;
}

/**
 * Partition leases in the database with fencing tokens. Every `renewMs` an instance heartbeats, renews its
 * leases, gives up partitions beyond its fair share (so a joining instance gets some) and takes free or expired
 * ones up to it. A lease not renewed for `leaseMs` expires; taking it increments the token, so a paused former
 * owner's writes (fenced on the token) fail instead of storing twice.
 */
export function createLeaseManager(deps: { repo: ClusterRepository; instanceId: string; owner: PartitionOwner; logger: Logger; options: LeaseOptions; now?: () => number }) {
  const { repo, instanceId, owner, logger, options } = deps;
  const now = deps.now ?? (() => Date.now());
  const startedAt = now();
  const held = new Map<number, number>(); // partition -> token
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  let stopped = false;

  async function renewHeld(at: number) {
    for (const [partition, token] of [...held]) {
      let renewed = false;
      try {
        renewed = await repo.renew(partition, token, at + options.leaseMs);
      } catch (error) {
        logger.warn({ err: error, partition }, 'cluster: lease renewal failed');
        continue; // the lease may still be valid; the next tick retries before it expires
      }
      if (!renewed) {
        held.delete(partition);
        logger.warn({ partition }, 'cluster: partition lease lost to another instance');
        owner.lost(partition);
      }
    }
  }

  async function releaseOne(partition: number) {
    const token = held.get(partition);
    if (token === undefined) return;
    try {
      await owner.releasing(partition);
    } finally {
      held.delete(partition);
      await repo.release(partition, token).catch((error) => logger.warn({ err: error, partition }, 'cluster: release failed; the lease expires instead'));
    }
  }

  async function balance(at: number) {
    const live = await repo.liveMembers(at - options.leaseMs);
    const share = fairShare(options.partitions, live.length || 1);
    if (held.size > share) {
      const excess = [...held.keys()].sort((a, b) => b - a).slice(0, held.size - share);
      for (const partition of excess) await releaseOne(partition);
      return;
    }
    if (held.size >= share) return;
    const free = await repo.freePartitions(at);
    // Start at an offset of our own so instances racing for free partitions mostly try different ones.
    const offset = Math.max(0, live.indexOf(instanceId)) * share;
    const ordered = free.map((_, i) => free[(i + offset) % free.length]!).filter((p) => !held.has(p));
    for (const partition of ordered) {
      if (held.size >= share || stopped) break;
      const token = await repo.acquire(partition, instanceId, at, at + options.leaseMs);
      if (token === null) continue;
      held.set(partition, token);
      try {
        await owner.acquired(partition, token);
      } catch (error) {
        logger.error({ err: error, partition }, 'cluster: could not start a partition; releasing it');
        held.delete(partition);
        await repo.release(partition, token).catch(() => undefined);
      }
    }
  }

  async function tick() {
    const at = now();
    await repo.heartbeat(instanceId, at, startedAt);
    await renewHeld(at);
    if (!stopped) await balance(at);
    if (Math.random() < 0.05) await repo.forgetMembersBefore(at - 60 * options.leaseMs);
  }

  function runTick(): Promise<void> {
    if (ticking) return ticking;
    ticking = tick()
      .catch((error) => logger.warn({ err: error }, 'cluster: lease tick failed'))
      .finally(() => (ticking = null));
    return ticking;
  }

  return {
    instanceId,
    async start() {
      await repo.ensurePartitions(options.partitions);
      await runTick();
      timer = setInterval(() => void runTick(), options.renewMs);
      timer.unref();
    },
    /** One round now (tests and start-up). */
    tick: runTick,
    held: () => [...held.keys()].sort((a, b) => a - b),
    tokenOf: (partition: number) => held.get(partition),
    /** Graceful stop: hands every partition off (checkpointed), so others take over without replay. */
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await ticking;
      for (const partition of [...held.keys()]) await releaseOne(partition);
      await repo.forgetMember(instanceId).catch(() => undefined);
    },
    /** Stops renewing without a hand-off, as a crashed process would: the leases expire and others replay. */
    abandon() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const partition of [...held.keys()]) owner.lost(partition);
      held.clear();
    },
  };
}

export type LeaseManager = ReturnType<typeof createLeaseManager>;
