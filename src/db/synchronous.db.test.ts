import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';

describe('VIGIL_SQLITE_SYNCHRONOUS', () => {
  it('sets SQLite\'s synchronous pragma: normal (1) by default, full (2) when asked', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-sync-'));
    try {
      for (const [mode, expected] of [[undefined, 1], ['normal', 1], ['full', 2]] as const) {
        const handle = openDatabase({ sqliteFile: path.join(dir, `${mode ?? 'default'}.db`), sqliteSynchronous: mode });
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
        expect(rows[0]!.synchronous, String(mode)).toBe(expected);
        await handle.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
