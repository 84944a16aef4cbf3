import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { App } from '../../server/types';
import type { SuppressionsApi } from './suppressions.api';
import { createSuppressionMatcher } from './suppressions.matcher';
import { createSuppressionsRepository } from './suppressions.repository';
import { suppressionsRoutes } from './suppressions.routes';
import { createSuppressionsService } from './suppressions.service';

/**
 * One suppression model for every engine, and the allowlist that wins over it. Engines call `api.match` at their
 * decision point; a suppressed finding is stored with `suppressed_by` and publishes nothing.
 */
export function createSuppressionsModule(deps: { db: Kysely<Database>; bus: EventBus; clock: Clock; logger: Logger }) {
  const repo = createSuppressionsRepository(deps.db);
  const matcher = createSuppressionMatcher({ repo, clock: deps.clock, logger: deps.logger });
  const service = createSuppressionsService({ repo, matcher, bus: deps.bus, clock: deps.clock });
  // Changes made on another instance arrive through the bus (cluster scope) and drop the cached copy here too.
  const unsubscribe = deps.bus.subscribe(['suppression.changed', 'allowlist.changed'], (event) => matcher.invalidate(event.organizationId), { scope: 'cluster' });
  const api: SuppressionsApi = matcher.api;
  return {
    api,
    service,
    routes: (app: App) => suppressionsRoutes({ suppressions: service })(app),
    stop: () => unsubscribe(),
  };
}

export type SuppressionsModule = ReturnType<typeof createSuppressionsModule>;
