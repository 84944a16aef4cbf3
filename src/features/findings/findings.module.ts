import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { App } from '../../server/types';
import type { FindingsApi } from './findings.api';
import { createFindingsRepository } from './findings.repository';
import { findingsRoutes } from './findings.routes';
import { createFindingsService } from './findings.service';

/** A read model over the three engines' tables: it owns no table and publishes nothing. */
export function createFindingsModule(deps: { db: Kysely<Database> }) {
  const findings = createFindingsService({ repo: createFindingsRepository(deps.db) });
  const api: FindingsApi = { list: findings.list };
  return {
    api,
    routes: (app: App) => findingsRoutes({ findings })(app),
  };
}
