import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';
import { insertRows, isSingleStatement } from './bulk-insert';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.teardown());

describe('insertRows', () => {
  it('stores every row, past the per-statement chunk, with nulls and values in their columns', async () => {
    const rows = Array.from({ length: 1_201 }, (_, i) => ({ id: `bulk-${i}`, name: i % 2 ? `org ${i}` : `org ${i} (even)`, created_at: 1_700_000_000_000 + i }));
    await insertRows(app.core.db, 'organizations', rows);
    const stored = await app.core.db.selectFrom('organizations').selectAll().where('id', 'like', 'bulk-%').orderBy('created_at').execute();
    expect(stored).toHaveLength(1_201);
    expect(stored[1_200]).toMatchObject({ id: 'bulk-1200', name: 'org 1200 (even)', created_at: 1_700_000_001_200 });
  });

  it('is all-or-nothing inside a transaction: a duplicate id rolls back the whole batch', async () => {
    const rows = [
      { id: 'tx-1', name: 'a', created_at: 1 },
      { id: 'tx-2', name: 'b', created_at: 2 },
      { id: 'tx-1', name: 'again', created_at: 3 },
    ];
    await expect(app.core.db.transaction().execute((trx) => insertRows(trx, 'organizations', rows))).rejects.toThrow();
    const stored = await app.core.db.selectFrom('organizations').select('id').where('id', 'in', ['tx-1', 'tx-2']).execute();
    expect(stored).toHaveLength(0);
  });

  it('says when a batch is one statement (atomic without a transaction)', () => {
    expect(isSingleStatement(app.core.db, 1)).toBe(true);
    expect(isSingleStatement(app.core.db, 500)).toBe(app.core.dialect === 'postgres');
    expect(isSingleStatement(app.core.db, 501)).toBe(false);
  });
});
