import { fromJson } from '../../../../db/columns';
import type { BackendRow } from '../state.repository';
import { backendConfigByType, type LocalConfig, type PgConfig, type S3Config } from './config';
import type { BackendDriver } from './driver';
import { createLocalDriver } from './local';
import { createPgDriver } from './pg';
import { createS3Driver } from './s3';

/** One driver per stored backend (pools and clients are reused), rebuilt when the row changes. */
/** `openConfig` turns the stored (sealed) configuration text back into JSON text. */
export function createDriverRegistry(openConfig: (stored: string) => string = (stored) => stored) {
  const drivers = new Map<string, { stamp: number; driver: BackendDriver }>();
  return {
    /** null for `http` (Vigil's own states live in the database, not behind a driver). */
    get(row: BackendRow): BackendDriver | null {
      if (row.type === 'http') return null;
      const cached = drivers.get(row.id);
      if (cached && cached.stamp === row.updated_at) return cached.driver;
      void cached?.driver.close();
      const raw = fromJson<Record<string, unknown>>(openConfig(row.config), {});
      let driver: BackendDriver;
      if (row.type === 'local') driver = createLocalDriver(backendConfigByType.local.parse(raw) as LocalConfig);
      else if (row.type === 'pg') driver = createPgDriver(backendConfigByType.pg.parse(raw) as PgConfig);
      else if (row.type === 's3') driver = createS3Driver(backendConfigByType.s3.parse(raw) as S3Config);
      else throw new Error(`Unknown backend type ${row.type}`);
      drivers.set(row.id, { stamp: row.updated_at, driver });
      return driver;
    },
    async forget(id: string) {
      const cached = drivers.get(id);
      drivers.delete(id);
      await cached?.driver.close();
    },
    async closeAll() {
      const all = [...drivers.values()];
      drivers.clear();
      await Promise.all(all.map((entry) => entry.driver.close()));
    },
  };
}

export type DriverRegistry = ReturnType<typeof createDriverRegistry>;
