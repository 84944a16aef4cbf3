import type { FastifyRequest } from 'fastify';
import { AppError, forbidden, unauthorized } from '../lib/errors';
import type { App, Principal } from './types';

export interface Authenticator {
  /** Resolves the caller from headers. Returns null when no credentials were presented. Throws AppError when they are invalid. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  /** Verifies a bare credential (access token or API key), as sent by WebSocket clients. Throws AppError. */
  verifyCredential(credential: string): Promise<Principal>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves `request.principal` for every request (onRequest, so rate limits and the blocklist can key on it),
 * then enforces each route's `config.access` and the API key's read/write permission (preHandler).
 */
export function installAuth(app: App, authenticator: Authenticator) {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);

  app.addHook('onRequest', async (request) => {
    try {
      const principal = await authenticator.authenticate(request);
      request.principal = principal ? { ...principal, ip: request.ip } : null;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      request.authFailure = error;
    }
  });

  app.addHook('preHandler', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config?.access ?? defaultAccess(request.routeOptions.url ?? request.url);
    if (access === 'public') return;
    if (request.authFailure) throw request.authFailure;
    const principal = request.principal;
    if (!principal) throw unauthorized('Authentication required: send Authorization: Bearer <token> or X-API-Key');
    const config = request.routeOptions.config;
    const reading = READ_METHODS.has(request.method);
    if (principal.via === 'api_key') {
      const needed = reading ? 'read' : 'write';
      // A `state:write` key reaches Terraform state routes (read and write) and nothing else.
      const scoped = config?.terraformState === true && principal.permissions.includes('state:write');
      if (!principal.permissions.includes(needed) && !scoped) {
        throw forbidden(`This API key lacks the '${needed}' permission`);
      }
    }
    if (principal.role === 'viewer' && !reading && !config?.selfService) throw forbidden('The viewer role is read-only');
    if (access === 'admin' && principal.role !== 'admin') throw forbidden('Administrator role required');
  });
}

/** API routes are protected unless they say otherwise; documentation and static routes are public. */
function defaultAccess(url: string) {
  return url.startsWith('/api/') || url.startsWith('/v1/') ? 'user' : 'public';
}

/** For handlers of protected routes: the principal is always set once preHandler has run. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
