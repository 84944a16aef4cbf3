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

/** Registers and logs in a user; `organization` creates a separate organization with the user as its admin. */
export async function registerUser(app: TestApp, options: { organization?: string } = {}): Promise<Session & { username: string }> {
  const username = uniqueName();
  const password = 'password-123';
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { username, email: `${username}@example.test`, password, organization: options.organization },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return { ...(await login(app, username, password)), username };
}

/** Creates an API key for the session with the given permissions and returns the secret. */
export async function createApiKey(app: TestApp, session: Session, permissions: ('read' | 'write')[] = ['read', 'write']): Promise<string> {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name: 'test key', permissions } });
  if (res.statusCode !== 201) throw new Error(`api key failed: ${res.statusCode} ${res.body}`);
  return json(res).data.key;
}
