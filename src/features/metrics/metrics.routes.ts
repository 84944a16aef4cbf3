import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { forbidden, unauthorized } from '../../lib/errors';
import type { App } from '../../server/types';

const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^bearer /i.test(header)) return null;
  return header.slice(7).trim() || null;
}

/**
 * Metrics describe the whole server (every organization), so they are for operators: the configured metrics
 * token, or an access token or API key (with `read`) of an administrator of the server's own organization (the
 * bootstrap admin's).
 */
async function authorize(request: FastifyRequest, token: string | undefined, operatorOrganizationId: () => Promise<string>) {
  const bearer = bearerOf(request);
  if (token && bearer && timingSafeEqual(digest(bearer), digest(token))) return;
  const principal = request.principal;
  if (!principal) {
    if (request.authFailure && !(token && bearer)) throw request.authFailure;
    throw unauthorized('Authentication required: send Authorization: Bearer <VIGIL_METRICS_TOKEN>, or an administrator API key');
  }
  if (principal.via === 'api_key' && !principal.permissions.includes('read')) throw forbidden("This API key lacks the 'read' permission");
  // An organization's own admin (anyone may register one) is not an operator: metrics span every organization.
  if (principal.role !== 'admin' || principal.organizationId !== (await operatorOrganizationId())) {
    throw forbidden('Metrics cover the whole server: an administrator of the server organization or VIGIL_METRICS_TOKEN is required');
  }
}

export function metricsRoutes(deps: { registry: Registry; refresh: () => Promise<void>; token: string | undefined; operatorOrganizationId: () => Promise<string> }) {
  return (app: App) => {
    app.get(
      '/metrics',
      {
        config: { access: 'public', raw: true },
        preHandler: async (request) => authorize(request, deps.token, deps.operatorOrganizationId),
        schema: {
          tags: ['metrics'],
          summary: 'Prometheus metrics of this Vigil instance (text exposition format)',
          response: { 200: z.string().describe('Prometheus text exposition format 0.0.4') },
        },
      },
      async (_request, reply) => {
        await deps.refresh();
        const text = await deps.registry.metrics();
        return reply.type(deps.registry.contentType).header('cache-control', 'no-store').send(text);
      },
    );
  };
}
