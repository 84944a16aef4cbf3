import type { App } from '../../server/types';
import type { ConsoleUser } from './sessions.service';

export interface AccessClaimsSigner {
  (claims: { userId: string; organizationId: string; role: ConsoleUser['role']; username: string; email: string }): Promise<string>;
}

export interface ApiAnswer<T = any> {
  status: number;
  ok: boolean;
  data: T;
  error: { code: string; message: string; details?: unknown } | null;
}

const TOKEN_REUSE_MS = 60_000;

/**
 * The console acts through the API itself, in process: every read and action is a request to the same route a
 * curl user calls, with the same validation, authorization (admin-only stays admin-only), rate limits and
 * events. The short-lived access token is minted server-side per user and never leaves the server.
 */
export function createConsoleApiClient(deps: { app: () => App; sign: AccessClaimsSigner; now: () => number }) {
  const tokens = new Map<string, { token: string; until: number; role: string }>();

  async function tokenFor(user: ConsoleUser) {
    const cached = tokens.get(user.id);
    const now = deps.now();
    if (cached && cached.until > now && cached.role === user.role) return cached.token;
    const token = await deps.sign({ userId: user.id, organizationId: user.organizationId, role: user.role, username: user.username, email: user.email });
    if (tokens.size > 10_000) tokens.clear();
    tokens.set(user.id, { token, until: now + TOKEN_REUSE_MS, role: user.role });
    return token;
  }

  async function call<T = any>(user: ConsoleUser, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, remoteAddress?: string): Promise<ApiAnswer<T>> {
    const response = await deps.app().inject({
      method,
      url,
      headers: { authorization: `Bearer ${await tokenFor(user)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
      remoteAddress,
    });
    let parsed: any = null;
    try {
      parsed = response.body ? JSON.parse(response.body) : null;
    } catch {
      parsed = response.body;
    }
    const ok = response.statusCode < 400;
    const error = ok ? null : (parsed?.error ?? { code: 'INTERNAL_ERROR', message: 'The request failed' });
    const data = parsed && typeof parsed === 'object' && 'success' in parsed ? parsed.data : parsed;
    return { status: response.statusCode, ok, data: data as T, error };
  }

  return {
    call,
    get: <T = any>(user: ConsoleUser, url: string, remoteAddress?: string) => call<T>(user, 'GET', url, undefined, remoteAddress),
  };
}

export type ConsoleApiClient = ReturnType<typeof createConsoleApiClient>;
