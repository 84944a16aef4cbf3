import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Round-trip check used by /health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// int8 (bigint, count(*)) and numeric arrive as strings from pg; every such value Vigil stores fits a double.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export interface DatabaseOptions {
  /** postgres:// URL; absent means embedded SQLite. */
  url?: string;
  /** SQLite file; ':memory:' for tests. */
  sqliteFile?: string;
  poolSize?: number;
  /** VIGIL_SQLITE_SYNCHRONOUS: `normal` (default) or `full`. */
  sqliteSynchronous?: 'normal' | 'full';
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openSqlite(options.sqliteFile ?? ':memory:', options.sqliteSynchronous ?? 'normal');
}

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL was the largest single cost of a simple
 * authenticated request. Queries run one at a time on the single connection, so a prepared statement can be
 * reused. Bounded, because `in (...)` lists of varying length each make their own SQL text.
 */
export function withStatementCache(sqlite: SQLite.Database, capacity = 512): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= capacity) statements.clear();
        statement = sqlite.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
    close: () => {
      statements.clear();
      sqlite.close();
    },
  };
}

/**
 * `normal` (WAL): a commit survives a crash of the process, not necessarily a power loss or kernel crash.
 * `full`: every commit is synced to disk before it returns; survives power loss too, at a cost per commit.
 */
function openSqlite(file: string, synchronous: 'normal' | 'full'): DatabaseHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    ping: async () => {
      await sql`select 1`.execute(db);
      return true;
    },
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, max: number): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max });
  // A dropped connection must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
      return true;
    },
    close: () => db.destroy(),
  };
}
