import pg from 'pg';
import { BackendUnavailableError, type BackendDriver } from './driver';
import type { PgConfig } from './config';

/** Driver errors carry host names and SQL; clients get the class of failure only. */
export function describePgError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case '28P01':
    case '28000':
      return 'authentication failed';
    case '3D000':
      return 'database does not exist';
    case '42P01':
      return 'table states does not exist in the schema';
    case '3F000':
      return 'schema does not exist';
    case '42501':
      return 'permission denied';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return /timeout/i.test(e.message ?? '') ? 'connection timed out' : 'database error';
  }
}

/**
 * `pg`: terraform's PostgreSQL backend, table `<schema_name>.states (id bigserial, name text unique, data text)`.
 * Each row is a workspace (`default` and named ones); writes are the same upsert terraform does.
 */
export function createPgDriver(config: PgConfig): BackendDriver {
  const table = `"${config.schema_name}".states`;
  let pool: pg.Pool | null = null;
  const getPool = () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: config.conn_str, max: 2, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000 });
      pool.on('error', () => undefined);
    }
    return pool;
  };
  async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
    try {
      return await getPool().query<R>(text, values);
    } catch (error) {
      throw new BackendUnavailableError(`PostgreSQL backend: ${describePgError(error)}`);
    }
  }
  return {
    async list() {
      const result = await query<{ name: string; size: number }>(`SELECT name, octet_length(data) AS size FROM ${table} ORDER BY name`);
      return result.rows.map((row) => ({ path: row.name, size: Number(row.size ?? 0), lastModified: null }));
    },
    async read(name) {
      const result = await query<{ data: string | null }>(`SELECT data FROM ${table} WHERE name = $1`, [name]);
      return result.rows[0]?.data ?? null;
    },
    async write(name, content) {
      await query(`INSERT INTO ${table} (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data`, [name, content]);
    },
    async test() {
      const result = await query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      return `Connected; ${config.schema_name}.states holds ${Number(result.rows[0]?.n ?? 0)} state(s)`;
    },
    async close() {
      const current = pool;
      pool = null;
      await current?.end().catch(() => undefined);
    },
  };
}
