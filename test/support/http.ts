import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app';
import { ADMIN } from './test-app';

export interface Session {
  token: string;
  refreshToken: string;
  userId: string;
  organizationId: string;
  headers: Record<string, string>;
}

let counter = 0;
export const uniqueName = (prefix = 'user') => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export function json<T = any>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

export async function login(app: TestApp, username: string, password: string): Promise<Session> {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const data = json(res).data;
  return {
    token: data.access_token,
    refreshToken: data.refresh_token,
    userId: data.user.id,
    organizationId: data.user.organization_id,
    headers: { authorization: `Bearer ${data.access_token}` },
  };
}

export const loginAdmin = (app: TestApp) => login(app, ADMIN.username, ADMIN.password);

const adminSessions = new WeakMap<TestApp, Promise<Session>>();
/** The bootstrap admin's session, logged in once per app. */
export function adminSession(app: TestApp): Promise<Session> {
  let session = adminSessions.get(app);
  if (!session) {
    session = loginAdmin(app);
    adminSessions.set(app, session);
  }
  return session;
}

/** An admin's invitation token for `email` with `role` (default: the bootstrap admin's organization). */
export async function invite(app: TestApp, email: string, role: 'admin' | 'member' | 'viewer' = 'member', by?: Session): Promise<string> {
  const inviter = by ?? (await adminSession(app));
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/organizations/current/invitations', headers: inviter.headers, payload: { email, role } });
  if (res.statusCode !== 201) throw new Error(`invitation failed: ${res.statusCode} ${res.body}`);
  return json(res).data.token;
}

/**
 * Registers and logs in a user. By default the user is invited into the bootstrap admin's (default) organization
 * as a `member` (or `role`; `invitedBy` picks another inviting admin). `organization` (or `own: true`)
 * registers without an invitation instead: the user gets a new organization of their own, as its admin.
 */
export async function registerUser(
  app: TestApp,
  options: { organization?: string; own?: boolean; role?: 'admin' | 'member' | 'viewer'; invitedBy?: Session } = {},
): Promise<Session & { username: string }> {
  const username = uniqueName();
  const password = 'password-123';
  const email = `${username}@example.test`;
  const own = options.own || options.organization !== undefined;
  const invitation = own ? undefined : await invite(app, email, options.role ?? 'member', options.invitedBy);
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { username, email, password, organization: options.organization, invitation },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return { ...(await login(app, username, password)), username };
}

/** Creates an API key for the session with the given permissions and returns the secret. */
export async function createApiKey(app: TestApp, session: Session, permissions: ('read' | 'write' | 'state:write')[] = ['read', 'write']): Promise<string> {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name: 'test key', permissions } });
  if (res.statusCode !== 201) throw new Error(`api key failed: ${res.statusCode} ${res.body}`);
  return json(res).data.key;
}
