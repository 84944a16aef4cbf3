import type { Redis } from 'ioredis';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { Logger } from '../../lib/logger';
import type { ClusterRepository } from './cluster.repository';

/** How often a waiter re-reads results it has not been told about (a lost pub/sub message, an owner that died). */
const WAIT_POLL_MS = 200;

export interface LogHandle {
  partition: number;
  seq: number;
}

const keyOf = (h: LogHandle) => `${h.partition}:${h.seq}`;

/**
 * The durable hand-off between the instance that commits a batch and the partition's owner: entries are
 * appended in the ingest transaction, announced on Redis after commit, and their results announced back.
 * Pub/sub only wakes; the database is the truth, so a lost message costs latency (a poll), never an event.
 */
export function createPartitionLog(deps: { repo: ClusterRepository; publisher: Redis | null; subscriber: Redis | null; logger: Logger; now: () => number; namespace: string }) {
  const { repo, publisher, subscriber, logger } = deps;
  // Per database: two deployments (or test databases) sharing one Redis never hear each other's entries.
  const APPENDED = `vigil:cluster:${deps.namespace}:appended`;
  const PROCESSED = `vigil:cluster:${deps.namespace}:processed`;
  const appendedListeners = new Set<(partition: number) => void>();
  const waiters = new Map<string, Set<(result: string | null) => void>>();

  function wake(partition: number) {
    for (const listener of appendedListeners) listener(partition);
  }
  function settle(key: string, result: string | null) {
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const resolve of set) resolve(result);
  }

  if (subscriber) {
    subscriber.subscribe(APPENDED, PROCESSED).catch((error) => logger.error({ err: error }, 'cluster: redis subscribe failed'));
    subscriber.on('message', (channel, message) => {
      if (channel === APPENDED) {
        for (const p of message.split(',')) wake(Number(p));
      } else if (channel === PROCESSED) {
        const at = message.indexOf('|');
        settle(message.slice(0, at), message.slice(at + 1));
      }
    });
  }

  return {
    append: (trx: Kysely<Database> | Transaction<Database>, organizationId: string, groups: { partition: number; events: string }[]) =>
      repo.append(trx, organizationId, groups, deps.now()),

    /** After commit: wakes the owners (this instance's at once, the others' through Redis). */
    announce(handles: LogHandle[]) {
      const partitions = [...new Set(handles.map((h) => h.partition))];
      for (const p of partitions) wake(p);
      publisher?.publish(APPENDED, partitions.join(',')).catch((error) => logger.warn({ err: error }, 'cluster: could not announce appended entries; owners will poll'));
    },
    onAppended(listener: (partition: number) => void) {
      appendedListeners.add(listener);
      return () => appendedListeners.delete(listener);
    },

    /** The owner stored an entry's detections: tell whoever waits for them (here and on other instances). */
    processed(handle: LogHandle, result: string) {
      const key = keyOf(handle);
      settle(key, result);
      publisher?.publish(PROCESSED, `${key}|${result}`).catch(() => undefined);
    },

    /**
     * Waits until the owners processed these entries, up to `timeoutMs`. Returns each entry's result (null when
     * processed but its result message was lost); entries not processed in time are missing from the map.
     */
    async awaitResults(handles: LogHandle[], timeoutMs: number): Promise<Map<string, string | null>> {
      const results = new Map<string, string | null>();
      const pending = new Set(handles.map(keyOf));
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const resolvers = new Map<string, (result: string | null) => void>();
      for (const key of pending) {
        const resolve = (result: string | null) => {
          results.set(key, result);
          pending.delete(key);
          if (pending.size === 0) done();
        };
        resolvers.set(key, resolve);
        let set = waiters.get(key);
        if (!set) waiters.set(key, (set = new Set()));
        set.add(resolve);
      }
      const deadline = deps.now() + timeoutMs;
      try {
        while (pending.size > 0 && deps.now() < deadline) {
          await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS))]);
          if (pending.size === 0) break;
          // Processed without us hearing of it (a lost message): answer without its detail rather than wait.
          for (const key of await repo.processed(handles.filter((h) => pending.has(keyOf(h))))) resolvers.get(key)?.(null);
        }
      } finally {
        for (const [key, resolve] of resolvers) {
          const set = waiters.get(key);
          set?.delete(resolve);
          if (set?.size === 0) waiters.delete(key);
        }
      }
      return results;
    },
    keyOf,
  };
}

export type PartitionLog = ReturnType<typeof createPartitionLog>;
