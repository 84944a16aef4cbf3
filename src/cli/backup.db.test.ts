import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect } from '../../test/support/test-app';
import { loginAdmin, uniqueName } from '../../test/support/http';
import { main } from '../cli';
import { backupSqlite, restoreSqlite, verifyBackup } from './backup';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-backup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const register = async (app: Awaited<ReturnType<typeof createTestApp>>, username: string) =>
  (await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, email: `${username}@example.test`, password: 'password-123' } })).statusCode;

describe.skipIf(testDialect() === 'postgres')('vigil backup / vigil restore (SQLite)', () => {
  it('round trip: a backup taken while the server runs restores exactly what existed then', async () => {
    const dbFile = path.join(dir, 'data', 'vigil.db');
    const backupFile = path.join(dir, 'backup.db');
    const before = uniqueName('before');
    const after = uniqueName('after');

    let app = await createTestApp({ sqliteFile: dbFile });
    expect(await register(app, before)).toBe(201);
    await loginAdmin(app);
    const auditRows = async (a: typeof app) => Number((await a.core.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const auditBefore = await auditRows(app);
    const { bytes } = await backupSqlite(dbFile, backupFile); // the server is still running
    expect(bytes).toBeGreaterThan(0);
    expect(verifyBackup(backupFile).migrations).toBeGreaterThan(0);
    expect(await register(app, after)).toBe(201);
    await app.teardown();

    const { keptAs } = await restoreSqlite(backupFile, dbFile);
    expect(keptAs && fs.existsSync(keptAs)).toBeTruthy();

    app = await createTestApp({ sqliteFile: dbFile });
    try {
      const names = (await app.core.db.selectFrom('users').select('username').execute()).map((r) => r.username);
      expect(names).toContain(before);
      expect(names).not.toContain(after);
      // The audit trail comes back as it was at backup time (the later registration's records are gone).
      expect(auditBefore).toBeGreaterThan(0);
      expect(await auditRows(app)).toBe(auditBefore);
    } finally {
      await app.teardown();
    }
  });

  it('refuses to overwrite an existing backup file and to restore something that is not a Vigil database', async () => {
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all');
    await expect(restoreSqlite(junk, path.join(dir, 'other', 'vigil.db'))).rejects.toThrow();
    expect(fs.existsSync(path.join(dir, 'other', 'vigil.db'))).toBe(false);
    await expect(backupSqlite(path.join(dir, 'data', 'vigil.db'), junk)).rejects.toThrow(/already exists/);
  });

  it('the commands run from the command line', async () => {
    const target = path.join(dir, 'cli-backup.db');
    process.exitCode = 0;
    await main(['backup', target, '--data-dir', path.join(dir, 'data')]);
    expect(process.exitCode).toBe(0);
    expect(verifyBackup(target).migrations).toBeGreaterThan(0);
    await main(['restore', target, '--data-dir', path.join(dir, 'restored')]);
    expect(process.exitCode).toBe(0);
    expect(fs.existsSync(path.join(dir, 'restored', 'vigil.db'))).toBe(true);
    process.exitCode = 0;
  });
});
