import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import { unauthorized } from '../../lib/errors';
import type { AccountsService } from './accounts.service';
import { changePasswordBody, changePasswordResult, loginBody, logoutBody, logoutResult, publicUser, refreshBody, registerBody, tokenPair, updateUserBody } from './accounts.schemas';

export function accountsRoutes(deps: { accounts: AccountsService; openRegistration: boolean }) {
  const { accounts } = deps;
  return (app: App) => {
    app.post(
      '/api/v1/auth/register',
      {
        config: { access: 'public' },
        schema: { tags: ['auth'], summary: 'Register a user', body: registerBody, response: { 201: publicUser } },
      },
      async (request, reply) => {
        const body = request.body;
        const user = await accounts.register({ ...body, invitation: body.invitation ?? body.invitation_token }, { open: deps.openRegistration, address: request.ip });
        return reply.status(201).send(user);
      },
    );

    app.post(
      '/api/v1/auth/login',
      { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Log in with username or email', body: loginBody, response: { 200: tokenPair } } },
      async (request) => accounts.login((request.body.username ?? request.body.email)!, request.body.password, { address: request.ip }),
    );

    app.post(
      '/api/v1/auth/refresh',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Exchange a refresh token (body or Authorization: Bearer) for a new pair',
          body: refreshBody,
          response: { 200: tokenPair },
        },
      },
      async (request) => {
        const header = request.headers.authorization;
        const fromHeader = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
        const token = request.body?.refresh_token ?? fromHeader;
        if (!token) throw unauthorized('refresh_token is required (body or Authorization: Bearer)');
        return accounts.refresh(token);
      },
    );

    app.get(
      '/api/v1/auth/profile',
      { schema: { tags: ['auth'], summary: 'The caller\'s profile', response: { 200: publicUser } } },
      async (request) => accounts.getProfile(principalOf(request).userId),
    );

    app.get(
      '/api/v1/user',
      { schema: { tags: ['auth'], summary: 'The caller\'s profile', response: { 200: publicUser } } },
      async (request) => accounts.getProfile(principalOf(request).userId),
    );

    app.put(
      '/api/v1/user',
      { config: { selfService: true }, schema: { tags: ['auth'], summary: 'Update the caller\'s name fields', body: updateUserBody, response: { 200: publicUser } } },
      async (request) => accounts.updateProfile(principalOf(request).userId, request.body ?? {}),
    );

    app.post(
      '/api/v1/auth/logout',
      {
        config: { selfService: true },
        schema: { tags: ['auth'], summary: 'End the session (the refresh family of the body\'s refresh_token, else of the access token)', body: logoutBody, response: { 200: logoutResult } },
      },
      async (request) => accounts.logout(principalOf(request), request.body?.refresh_token),
    );

    app.put(
      '/api/v1/user/password',
      {
        config: { selfService: true },
        schema: { tags: ['auth'], summary: 'Change the password (checks the current one; ends the user\'s other sessions)', body: changePasswordBody, response: { 200: changePasswordResult } },
      },
      async (request) => accounts.changePassword(principalOf(request), request.body.current_password, request.body.new_password),
    );
  };
}
