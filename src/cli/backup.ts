import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { configFromArgs } from './options';

const PG_HINT =
  'Vigil runs on PostgreSQL here (VIGIL_DATABASE_URL): back it up with PostgreSQL\'s own tools, e.g.\n' +
  '  pg_dump --format=custom --file=vigil.dump "$VIGIL_DATABASE_URL"\n' +
  'and restore with pg_restore --clean --if-exists --dbname="$VIGIL_DATABASE_URL" vigil.dump\n';

/** A consistent copy of a live SQLite database (SQLite's online backup API: the server may keep running). */
export async function backupSqlite(databaseFile: string, target: string): Promise<{ bytes: number }> {
  if (!fs.existsSync(databaseFile)) throw new Error(`no database at ${databaseFile}`);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new file`);
  const source = new SQLite(databaseFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(target);
  } finally {
    source.close();
  }
  return { bytes: fs.statSync(target).size };
}

/** Checks that a file is a sound Vigil SQLite database before anything is replaced. */
export function verifyBackup(file: string): { migrations: number } {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} failed SQLite's integrity check: ${String(check)}`);
    const table = db.prepare("select name from sqlite_master where type = 'table' and name = 'vigil_migrations'").get();
    if (!table) throw new Error(`${file} is not a Vigil database (no migration table)`);
    const row = db.prepare('select count(*) as n from vigil_migrations').get() as { n: number };
    return { migrations: row.n };
  } finally {
    db.close();
  }
}

/**
 * Replaces the database with a backup. The server must be stopped. The current database (with its WAL) is kept
 * beside it as `vigil.db.before-restore-<time>` and the backup is copied in through a temporary file and a rename.
 */
export async function restoreSqlite(backupFile: string, databaseFile: string, now = Date.now()): Promise<{ keptAs: string | null }> {
  verifyBackup(backupFile);
  fs.mkdirSync(path.dirname(databaseFile), { recursive: true });
  const temporary = `${databaseFile}.restoring`;
  fs.rmSync(temporary, { force: true });
  const source = new SQLite(backupFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(temporary);
  } finally {
    source.close();
  }
  let keptAs: string | null = null;
  if (fs.existsSync(databaseFile)) {
    keptAs = `${databaseFile}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(databaseFile, keptAs);
    // A stale WAL must never be replayed onto the restored file: it goes with the database it belongs to.
    for (const suffix of ['-wal', '-shm']) if (fs.existsSync(databaseFile + suffix)) fs.renameSync(databaseFile + suffix, keptAs + suffix);
  }
  fs.renameSync(temporary, databaseFile);
  return { keptAs };
}

export async function backup(args: string[]): Promise<number> {
  const { config, positionals } = configFromArgs(args);
  const target = positionals[0];
  if (!target) {
    process.stderr.write('Usage: vigil backup FILE [--data-dir DIR]\n');
    return 2;
  }
  if (config.databaseUrl) {
    process.stderr.write(PG_HINT);
    return 2;
  }
  const { bytes } = await backupSqlite(path.join(config.dataDir, 'vigil.db'), path.resolve(target));
  process.stdout.write(`backed up ${path.join(config.dataDir, 'vigil.db')} to ${path.resolve(target)} (${bytes} bytes)\n`);
  return 0;
}

export async function restore(args: string[]): Promise<number> {
  const { config, positionals } = configFromArgs(args);
  const source = positionals[0];
  if (!source) {
    process.stderr.write('Usage: vigil restore FILE [--data-dir DIR]   (stop the server first)\n');
    return 2;
  }
  if (config.databaseUrl) {
    process.stderr.write(PG_HINT);
    return 2;
  }
  const databaseFile = path.join(config.dataDir, 'vigil.db');
  const { keptAs } = await restoreSqlite(path.resolve(source), databaseFile);
  process.stdout.write(`restored ${databaseFile} from ${path.resolve(source)}${keptAs ? `; the previous database is kept as ${keptAs}` : ''}\n`);
  return 0;
}
