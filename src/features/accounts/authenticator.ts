import type { FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors';
import type { Authenticator } from '../../server/auth';
import type { Permission, Principal } from '../../server/types';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { AccountsService } from './accounts.service';
import type { TokenIssuer } from './tokens';

/**
 * Resolves the caller from `X-API-Key`, `Authorization: Bearer <jwt | api key>` or HTTP Basic auth whose
 * password is an access token or API key (terraform's http backend sends only Basic auth).
 */
export function createAuthenticator(deps: {
  tokens: TokenIssuer;
  accounts: Pick<AccountsService, 'activeUser'>;
  apiKeys: Pick<ApiKeysService, 'verify'>;
}): Authenticator {
  const disabled = () => new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Account is disabled or no longer exists' });

  async function principalOf(userId: string, grant: Pick<Principal, 'via' | 'apiKeyId' | 'permissions'>): Promise<Principal> {
    const user = await deps.accounts.activeUser(userId);
    if (!user) throw disabled();
    return { userId: user.id, organizationId: user.organization_id, role: user.role, username: user.username, email: user.email, ...grant };
  }

  async function fromApiKey(key: string): Promise<Principal> {
    const row = await deps.apiKeys.verify(key);
    return principalOf(row.user_id, { via: 'api_key', apiKeyId: row.id, permissions: JSON.parse(row.permissions) as Permission[] });
  }

  async function fromAccessToken(token: string): Promise<Principal> {
    const claims = await deps.tokens.verify(token);
    const principal = await principalOf(claims.userId, { via: 'jwt', apiKeyId: null, permissions: ['read', 'write'] });
    return claims.sessionId ? { ...principal, sessionId: claims.sessionId } : principal;
  }

  const verifyCredential = (credential: string) =>
    credential.startsWith('sk_') ? fromApiKey(credential) : fromAccessToken(credential);

  return {
    verifyCredential,
    async authenticate(request: FastifyRequest) {
      const apiKey = request.headers['x-api-key'];
      if (typeof apiKey === 'string' && apiKey.length > 0) return fromApiKey(apiKey.trim());
      const header = request.headers.authorization;
      if (!header) return null;
      const [scheme, value] = [header.slice(0, header.indexOf(' ')).toLowerCase(), header.slice(header.indexOf(' ') + 1).trim()];
      if (scheme === 'bearer' && value) return verifyCredential(value);
      if (scheme === 'basic' && value) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const password = decoded.slice(decoded.indexOf(':') + 1);
        if (password) return verifyCredential(password);
      }
      throw new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Unsupported Authorization header' });
    },
  };
}
