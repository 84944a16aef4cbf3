import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createClusterRepository, type ClusterRepository } from './cluster.repository';
import { fairShare, partitionOf } from './partition';

/** The guarantees failover rests on, on SQLite and PostgreSQL: one holder per partition, fenced writes, ordered log. */
describe('cluster repository', () => {
  let app: TestApp;
  let repo: ClusterRepository;
  beforeAll(async () => {
    app = await createTestApp();
    repo = createClusterRepository(app.core.db);
    await repo.ensurePartitions(4);
    await repo.ensurePartitions(4); // every instance runs it: idempotent
  });
  afterAll(async () => app?.teardown());

  it('lets one instance hold a live lease; an expired one is taken with a new token that fences the old holder', async () => {
    const a = await repo.acquire(0, 'a', 1_000, 6_000);
    expect(a).not.toBeNull();
    expect(await repo.acquire(0, 'b', 2_000, 7_000)).toBeNull(); // still held
    const b = await repo.acquire(0, 'b', 6_001, 11_000); // a stopped renewing
    expect(b).toBe(a! + 1);
    expect(await repo.renew(0, a!, 12_000)).toBe(false);
    const db = app.core.db;
    expect(await repo.commitProcessed(db, 0, a!, 1)).toBe(false); // the former owner cannot advance the cursor
    expect(await repo.saveCheckpointSeq(db, 0, a!, 1)).toBe(false);
    expect(await repo.commitProcessed(db, 0, b!, 1)).toBe(true);
    expect((await repo.partitionState(0)).cursor).toBe(1);
    await repo.release(0, b!);
    expect(await repo.acquire(0, 'c', 6_002, 9_000)).toBe(b! + 1); // released: free at once
  });

  it('appends entries with consecutive sequence numbers per partition and reads them back in order', async () => {
    const first = await app.core.db.transaction().execute((trx) => repo.append(trx, 'org', [{ partition: 2, events: '["x"]' }, { partition: 1, events: '["y"]' }], 1));
    const second = await app.core.db.transaction().execute((trx) => repo.append(trx, 'org', [{ partition: 2, events: '["z"]' }], 2));
    expect(first).toEqual([{ partition: 1, seq: 1 }, { partition: 2, seq: 1 }]);
    expect(second).toEqual([{ partition: 2, seq: 2 }]);
    expect((await repo.readAfter(2, 0, 10)).map((e) => [e.seq, e.events])).toEqual([[1, '["x"]'], [2, '["z"]']]);
    expect(await repo.readAfter(2, 1, 10)).toHaveLength(1);
  });

  it('rolls an entry back with the transaction that appended it (nothing acknowledged, nothing in the log)', async () => {
    await expect(
      app.core.db.transaction().execute(async (trx) => {
        await repo.append(trx, 'org', [{ partition: 3, events: '[]' }], 3);
        throw new Error('insert of the events failed');
      }),
    ).rejects.toThrow('insert of the events failed');
    expect(await repo.readAfter(3, 0, 10)).toEqual([]);
  });

  it('spreads keys over partitions stably and shares partitions fairly', () => {
    expect(partitionOf(16, 'org-1', 'web-01')).toBe(partitionOf(16, 'org-1', 'web-01'));
    expect(partitionOf(16, 'org-1', 'web-01')).not.toBe(partitionOf(16, 'org-1web', '-01')); // parts are delimited
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 1600; i++) counts[partitionOf(16, 'org', `host-${i}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect([fairShare(16, 3), fairShare(16, 1), fairShare(16, 0)]).toEqual([6, 16, 16]);
  });
});
