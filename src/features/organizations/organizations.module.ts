import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../../lib/clock';
import type { App } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import type { InvitationRedeemer } from '../accounts/accounts.service';
import type { OrganizationMembersApi } from './organizations.api';
import { createInvitationsRepository } from './invitations.repository';
import { createInvitationsService } from './invitations.service';
import { organizationsRoutes } from './organizations.routes';

/**
 * Organizations that only members enter: invitations (create, list, revoke, redeem at registration) and the
 * admin's member management (through accounts, which owns the users).
 */
export function createOrganizationsModule(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditApi;
  invitationTtlHours: number;
  /** Late-bound: accounts is built with this module's redeemer, then hands its member operations back. */
  members: () => OrganizationMembersApi;
}) {
  const invitations = createInvitationsService({ repo: createInvitationsRepository(deps.db), clock: deps.clock, audit: deps.audit, ttlSeconds: deps.invitationTtlHours * 3600 });
  const members: OrganizationMembersApi = {
    organization: (id) => deps.members().organization(id),
    listMembers: (id) => deps.members().listMembers(id),
    setRole: (p, id, role) => deps.members().setRole(p, id, role),
    setActive: (p, id, active) => deps.members().setActive(p, id, active),
    removeMember: (p, id) => deps.members().removeMember(p, id),
  };
  const api: InvitationRedeemer = { redeem: (token, email, userId, trx) => invitations.redeem(token, email, userId, trx) };
  return {
    api,
    routes: (app: App) => organizationsRoutes({ members, invitations })(app),
  };
}
