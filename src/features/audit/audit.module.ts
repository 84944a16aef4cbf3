import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { App } from '../../server/types';
import type { AuditApi } from './audit.api';
import { createAuditRepository } from './audit.repository';
import { auditRoutes } from './audit.routes';
import { createAuditService } from './audit.service';

/** The audit trail: built early (every other feature records into it), routes registered with the rest. */
export function createAuditModule(deps: { db: Kysely<Database>; bus: EventBus; clock: Clock; logger: Logger }) {
  const audit = createAuditService({ repo: createAuditRepository(deps.db), bus: deps.bus, clock: deps.clock, logger: deps.logger });
  const api: AuditApi = { record: (entry) => audit.record(entry) };
  return {
    api,
    routes: (app: App) => auditRoutes({ audit })(app),
  };
}
