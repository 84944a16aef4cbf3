import { z } from 'zod';
import { idParam, pageQuery, paginated } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { ApiKeysService } from './api-keys.service';
import { apiKey, createApiKeyBody, createdApiKey } from './api-keys.schemas';

export function apiKeysRoutes(deps: { apiKeys: ApiKeysService }) {
  const { apiKeys } = deps;
  return (app: App) => {
    app.post(
      '/api/v1/api-keys',
      { config: { selfService: true }, schema: { tags: ['api-keys'], summary: 'Create an API key (the key is shown once)', body: createApiKeyBody, response: { 201: createdApiKey } } },
      async (request, reply) => reply.status(201).send(await apiKeys.create(principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/api-keys',
      { schema: { tags: ['api-keys'], summary: 'List the caller\'s active API keys', querystring: pageQuery, response: { 200: paginated(apiKey) } } },
      async (request) => apiKeys.list(principalOf(request), request.query.page, request.query.size),
    );
    app.get(
      '/api/v1/api-keys/:id',
      { schema: { tags: ['api-keys'], summary: 'One API key (never its secret)', params: z.object({ id: idParam }), response: { 200: apiKey } } },
      async (request) => apiKeys.get(principalOf(request), request.params.id),
    );
    app.delete(
      '/api/v1/api-keys/:id',
      {
        config: { selfService: true },
        schema: {
          tags: ['api-keys'],
          summary: 'Revoke an API key',
          params: z.object({ id: idParam }),
          response: { 200: z.object({ id: z.string(), revoked: z.boolean() }) },
        },
      },
      async (request) => withMessage(await apiKeys.revoke(principalOf(request), request.params.id), 'API key revoked successfully'),
    );
  };
}
