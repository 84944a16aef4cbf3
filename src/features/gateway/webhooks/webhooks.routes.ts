import { z } from 'zod';
import { idParam, pageQuery, paginated } from '../../../lib/schemas';
import { principalOf } from '../../../server/auth';
import { withMessage } from '../../../server/envelope';
import type { App } from '../../../server/types';
import { createWebhookBody, createdWebhook, delivery, webhook } from './webhooks.schemas';
import type { WebhooksService } from './webhooks.service';

const params = z.object({ id: idParam });

export function webhooksRoutes(deps: { webhooks: WebhooksService }) {
  const { webhooks } = deps;
  return (app: App) => {
    app.post(
      '/api/v1/webhooks',
      { schema: { tags: ['webhooks'], summary: 'Register a webhook (the signing secret is shown once)', body: createWebhookBody, response: { 201: createdWebhook } } },
      async (request, reply) => reply.status(201).send(await webhooks.create(principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/webhooks',
      { schema: { tags: ['webhooks'], summary: "The organization's webhooks", querystring: pageQuery, response: { 200: paginated(webhook) } } },
      async (request) => webhooks.list(principalOf(request), request.query.page, request.query.size),
    );
    app.get(
      '/api/v1/webhooks/:id',
      { schema: { tags: ['webhooks'], summary: 'One webhook (never its secret)', params, response: { 200: webhook } } },
      async (request) => webhooks.get(principalOf(request), request.params.id),
    );
    app.delete(
      '/api/v1/webhooks/:id',
      { schema: { tags: ['webhooks'], summary: 'Delete a webhook and its pending deliveries', params, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } } },
      async (request) => withMessage(await webhooks.remove(principalOf(request), request.params.id), 'Webhook deleted successfully'),
    );
    app.get(
      '/api/v1/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Delivery log: status, attempts, response codes and errors',
          params,
          querystring: pageQuery,
          response: { 200: paginated(delivery) },
        },
      },
      async (request) => webhooks.deliveries(principalOf(request), request.params.id, request.query.page, request.query.size),
    );
    app.post(
      '/api/v1/webhooks/:id/test',
      { schema: { tags: ['webhooks'], summary: 'Queue a signed `webhook.test` delivery', params, response: { 202: z.object({ delivery_id: z.string() }) } } },
      async (request, reply) => reply.status(202).send(await webhooks.sendTest(principalOf(request), request.params.id)),
    );
  };
}
