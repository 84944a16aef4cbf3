import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { App } from '../../server/types';
import { createTimelineRepository } from './timeline.repository';
import { timelineRoutes } from './timeline.routes';
import { createTimelineService } from './timeline.service';

/** Resource timelines across engines (read-only over the engines' tables). */
export function createTimelineModule(deps: { db: Kysely<Database> }) {
  const service = createTimelineService({ repo: createTimelineRepository(deps.db) });
  return { api: service, routes: (app: App) => timelineRoutes({ timeline: service })(app) };
}
