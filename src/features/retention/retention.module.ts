import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';
import type { SettingsStore } from '../../db/settings';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import { RETENTION_DEFAULTS, retentionPatch } from './retention.logic';
import { createRetentionRepository } from './retention.repository';
import { createRetentionService } from './retention.service';

const windows = z.object(Object.fromEntries(Object.keys(RETENTION_DEFAULTS).map((k) => [k, z.number()])) as Record<keyof typeof RETENTION_DEFAULTS, z.ZodNumber>);
const retentionView = windows.extend({ defaults: windows });

export function createRetentionModule(deps: {
  db: Kysely<Database>;
  settings: SettingsStore;
  clock: Clock;
  logger: Logger;
  audit: AuditApi;
  background: boolean;
  intervalSeconds: number;
  batchSize: number;
}) {
  const retention = createRetentionService({ repo: createRetentionRepository(deps.db), settings: deps.settings, clock: deps.clock, logger: deps.logger, audit: deps.audit, batchSize: deps.batchSize });
  let timer: NodeJS.Timeout | null = null;

  return {
    name: 'retention',
    api: { prune: () => retention.prune() },
    routes(app: App) {
      app.get(
        '/api/v1/settings/retention',
        { config: { access: 'admin' }, schema: { tags: ['settings'], summary: 'Retention windows (days) per kind of data, with the defaults', response: { 200: retentionView } } },
        async (request) => retention.describe(principalOf(request).organizationId),
      );
      app.put(
        '/api/v1/settings/retention',
        { config: { access: 'admin' }, schema: { tags: ['settings'], summary: 'Change retention windows (days, 1..3650; audit at least 30)', body: retentionPatch, response: { 200: retentionView } } },
        async (request) => withMessage(await retention.update(principalOf(request), request.body), 'Retention settings updated'),
      );
    },
    start() {
      if (!deps.background) return;
      timer = setInterval(() => {
        void retention.prune().catch((error) => deps.logger.warn({ err: error }, 'retention: a pruning pass failed; the next one retries'));
      }, deps.intervalSeconds * 1000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await retention.idle();
    },
  };
}
