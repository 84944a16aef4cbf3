import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { SettingsStore } from '../../db/settings';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import type { OutboundGuard } from '../../lib/net/outbound-guard';
import type { SecretBox } from '../../lib/secret-box';
import type { WsHub } from '../../server/ws-hub';
import type { AccountsService } from '../accounts/accounts.service';
import type { AuditApi } from '../audit/audit.api';

/** The platform services the drift and state modules use (the composition root's core context satisfies it). */
export interface DriftCore {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  clock: Clock;
  bus: EventBus;
  settings: SettingsStore;
  secrets: SecretBox;
  ws: WsHub;
  accounts: Pick<AccountsService, 'defaultOrganizationId'>;
  audit: AuditApi;
  outbound: OutboundGuard;
}
