import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { App } from '../../server/types';
import type { FindingsApi } from '../findings/findings.api';
import { createConsoleApiClient, type AccessClaimsSigner } from './api-client';
import { loadAssets } from './assets';
import { consoleActionRoutes } from './console-actions.routes';
import { createConsoleContext } from './console-context';
import { consoleLiveRoutes } from './console-live';
import { consoleScreenRoutes } from './console-screens.routes';
import { consoleRoutes } from './console.routes';
import { createSessionsRepository } from './sessions.repository';
import { createSessionsService, type ConsoleAccounts } from './sessions.service';

export interface ConsoleModuleDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  bus: Pick<EventBus, 'subscribe'>;
  accounts: ConsoleAccounts;
  findings: FindingsApi;
  /** Mints the short-lived access token the console uses, server-side, to call the API as the signed-in user. */
  signAccessToken: AccessClaimsSigner;
  sessionTtlSeconds: number;
  heartbeatSeconds: number;
  background: boolean;
}

/**
 * The web console: server-rendered pages on the API's own port (`/` and `/console/...`), cookie sessions with
 * CSRF tokens, live inbox over server-sent events. Reads findings through the findings feature and does
 * everything else through the API's own routes, in process, as the signed-in user.
 */
export function createConsoleModule(deps: ConsoleModuleDeps) {
  const sessions = createSessionsService({ repo: createSessionsRepository(deps.db), accounts: deps.accounts, clock: deps.clock, ttlSeconds: deps.sessionTtlSeconds });
  const assets = loadAssets();
  let app: App | null = null;
  const api = createConsoleApiClient({
    app: () => {
      if (!app) throw new Error('console routes are not registered yet');
      return app;
    },
    sign: deps.signAccessToken,
    now: () => deps.clock.now(),
  });
  const routeDeps = { sessions, findings: deps.findings, api, assets, logger: deps.logger };
  const context = createConsoleContext(routeDeps);
  const live = consoleLiveRoutes({ bus: deps.bus, heartbeatMs: deps.heartbeatSeconds * 1000 }, context);
  let purge: NodeJS.Timeout | null = null;

  return {
    api: { sessions },
    routes(target: App) {
      app = target;
      consoleRoutes(routeDeps, context)(target);
      consoleActionRoutes(routeDeps, context)(target);
      consoleScreenRoutes(routeDeps, context)(target);
      live.routes(target);
    },
    start() {
      if (!deps.background) return;
      purge = setInterval(() => sessions.purgeExpired().catch((error) => deps.logger.warn({ err: error }, 'console: purging expired sessions failed')), 3600_000);
      purge.unref();
    },
    stop() {
      if (purge) clearInterval(purge);
      for (const stream of live.streams) stream.end();
      live.streams.clear();
    },
  };
}

export type ConsoleModule = ReturnType<typeof createConsoleModule>;
