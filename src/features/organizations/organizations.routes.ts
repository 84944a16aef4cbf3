import { z } from 'zod';
import { pageQuery, paginated } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { OrganizationMembersApi } from './organizations.api';
import type { InvitationsService } from './invitations.service';
import { changeRoleBody, createInvitationBody, createdInvitation, invitation, member, memberParams, organization } from './organizations.schemas';

const tags = ['organizations'];
const admin = { access: 'admin' as const };
const base = '/api/v1/organizations/current';

export function organizationsRoutes(deps: { members: OrganizationMembersApi; invitations: InvitationsService }) {
  const { members, invitations } = deps;
  return (app: App) => {
    app.get(
      base,
      { schema: { tags, summary: 'The caller\'s organization and role', response: { 200: organization } } },
      async (request) => {
        const principal = principalOf(request);
        const org = await members.organization(principal.organizationId);
        return { ...org, role: principal.role };
      },
    );
    app.get(
      `${base}/members`,
      { config: admin, schema: { tags, summary: 'Members of the organization', response: { 200: z.object({ members: z.array(member), total: z.number() }) } } },
      async (request) => {
        const list = await members.listMembers(principalOf(request).organizationId);
        return { members: list, total: list.length };
      },
    );
    app.put(
      `${base}/members/:id`,
      { config: admin, schema: { tags, summary: 'Change a member\'s role (admin, member, viewer); never the last admin', params: memberParams, body: changeRoleBody, response: { 200: member } } },
      async (request) => withMessage(await members.setRole(principalOf(request), request.params.id, request.body.role), 'Role changed'),
    );
    app.post(
      `${base}/members/:id/disable`,
      { config: admin, schema: { tags, summary: 'Disable a member (sessions end at once); never the last admin', params: memberParams, response: { 200: member } } },
      async (request) => withMessage(await members.setActive(principalOf(request), request.params.id, false), 'Member disabled'),
    );
    app.post(
      `${base}/members/:id/enable`,
      { config: admin, schema: { tags, summary: 'Enable a disabled member', params: memberParams, response: { 200: member } } },
      async (request) => withMessage(await members.setActive(principalOf(request), request.params.id, true), 'Member enabled'),
    );
    app.delete(
      `${base}/members/:id`,
      { config: admin, schema: { tags, summary: 'Remove a member (account, keys and sessions); never the last admin', params: memberParams, response: { 200: z.object({ id: z.string(), removed: z.boolean() }) } } },
      async (request) => withMessage(await members.removeMember(principalOf(request), request.params.id), 'Member removed'),
    );

    app.post(
      `${base}/invitations`,
      { config: admin, schema: { tags, summary: 'Invite an email address with a role (the token is shown once)', body: createInvitationBody, response: { 201: createdInvitation } } },
      async (request, reply) => reply.status(201).send(await invitations.create(principalOf(request), request.body)),
    );
    app.get(
      `${base}/invitations`,
      { config: admin, schema: { tags, summary: 'Invitations of the organization (pending, accepted, revoked, expired)', querystring: pageQuery, response: { 200: paginated(invitation) } } },
      async (request) => invitations.list(principalOf(request), request.query.page, request.query.size),
    );
    app.delete(
      `${base}/invitations/:id`,
      { config: admin, schema: { tags, summary: 'Revoke a pending invitation', params: memberParams, response: { 200: z.object({ id: z.string(), revoked: z.boolean() }) } } },
      async (request) => withMessage(await invitations.revoke(principalOf(request), request.params.id), 'Invitation revoked'),
    );
  };
}
