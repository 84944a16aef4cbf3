import { CompiledQuery, SqliteAdapter, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;
type Table = keyof Database & string;

const ROWS_PER_STATEMENT = 500;

/**
 * Inserts many rows of one table. SQLite runs a prepared single-row INSERT per row about 30% faster than
 * multi-row VALUES (in-process, there are no round trips to save; see docs/benchmarks.md), so there the SQL is
 * compiled once and re-run per row; PostgreSQL gets multi-row statements of up to 500 rows. Atomic only inside
 * a transaction, which the caller provides when it needs all-or-nothing.
 */
export async function insertRows<T extends Table>(target: Db, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const untyped = target as unknown as Kysely<Record<string, Record<string, unknown>>>;
  if (isSqlite(target)) {
    const columns = Object.keys(rows[0]!);
    const first = Object.fromEntries(columns.map((c) => [c, (rows[0] as Record<string, unknown>)[c] ?? null]));
    const { sql } = untyped.insertInto(table).values(first).compile();
    for (const row of rows as Record<string, unknown>[]) await target.executeQuery(CompiledQuery.raw(sql, columns.map((c) => row[c] ?? null)));
    return;
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await untyped.insertInto(table).values(rows.slice(i, i + ROWS_PER_STATEMENT) as Record<string, unknown>[]).execute();
  }
}

export const isSqlite = (db: Db): boolean => db.getExecutor().adapter instanceof SqliteAdapter;

/** Whether `insertRows` of this many rows is one statement (and so atomic without a transaction). */
export const isSingleStatement = (db: Db, count: number): boolean => count <= 1 || (!isSqlite(db) && count <= ROWS_PER_STATEMENT);
