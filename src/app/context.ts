import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { Database } from '../db/schema';
import type { Dialect } from '../db/database';
import type { SettingsStore } from '../db/settings';
import type { EventBus } from '../events/bus';
import type { Clock } from '../lib/clock';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { SecretBox } from '../lib/secret-box';
import type { App, RouteRegistrar } from '../server/types';
import type { WsHub } from '../server/ws-hub';
import type { AccountsService } from '../features/accounts/accounts.service';
import type { ApiKeysService } from '../features/api-keys/api-keys.service';
import type { AuditApi } from '../features/audit/audit.api';
import type { OutboundGuard } from '../lib/net/outbound-guard';

/** Everything the platform core gives a feature when it is wired. */
export interface CoreContext {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  bus: EventBus;
  /** Shared Redis connection when VIGIL_REDIS_URL is set (commands only; the bus holds its own subscriber). */
  redis: Redis | null;
  settings: SettingsStore;
  /** Seals secrets before they are stored, opens them when used. */
  secrets: SecretBox;
  ws: WsHub;
  accounts: AccountsService;
  apiKeys: ApiKeysService;
  /** The audit trail: features record security-relevant actions here. */
  audit: AuditApi;
  /** Every user-aimed outbound request goes through this guard (VIGIL_OUTBOUND_ALLOW). */
  outbound: OutboundGuard;
}

/** What a feature hands back to the composition root. */
export interface Feature {
  name: string;
  /** Root-level hooks (edge guards, usage recording). Called after authentication is installed, before routes. */
  hooks?: (app: App) => void;
  routes?: RouteRegistrar;
  /** Background work (timers, queues, schedulers); called once the server is ready. */
  start?: () => void | Promise<void>;
  /** Drain and stop; called on shutdown before the database closes, in reverse wiring order. */
  stop?: () => void | Promise<void>;
}
