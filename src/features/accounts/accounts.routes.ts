import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import { unauthorized } from '../../lib/errors';
import type { AccountsService } from './accounts.service';
import { loginBody, publicUser, refreshBody, registerBody, tokenPair, updateUserBody } from './accounts.schemas';

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
        const user = await accounts.register(request.body, { open: deps.openRegistration });
        return reply.status(201).send(user);
      },
    );

    app.post(
      '/api/v1/auth/login',
      { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Log in with username or email', body: loginBody, response: { 200: tokenPair } } },
      async (request) => accounts.login((request.body.username ?? request.body.email)!, request.body.password),
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
      { schema: { tags: ['auth'], summary: 'Update the caller\'s name fields', body: updateUserBody, response: { 200: publicUser } } },
      async (request) => accounts.updateProfile(principalOf(request).userId, request.body ?? {}),
    );
  };
}
