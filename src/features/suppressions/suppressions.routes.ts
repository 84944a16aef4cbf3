import { z } from 'zod';
import { idParam, pageQuery, paginated } from '../../lib/schemas';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import { allowlistEntry, createAllowlistBody, createSuppressionBody, deleted, listSuppressionsQuery, suppression } from './suppressions.schemas';
import type { SuppressionsService } from './suppressions.service';

const params = z.object({ id: idParam });

export function suppressionsRoutes(deps: { suppressions: SuppressionsService }) {
  const { suppressions } = deps;
  return (app: App) => {
    app.post(
      '/api/v1/suppressions',
      { schema: { tags: ['suppressions'], summary: 'Silence matching findings of one engine (or all) until a date or in a recurring window', body: createSuppressionBody, response: { 201: suppression } } },
      async (request, reply) => reply.status(201).send(await suppressions.create(principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/suppressions',
      { schema: { tags: ['suppressions'], summary: "The organization's suppressions (unexpired unless include_expired=true)", querystring: listSuppressionsQuery, response: { 200: paginated(suppression) } } },
      async (request) => suppressions.list(principalOf(request), request.query),
    );
    app.get(
      '/api/v1/suppressions/:id',
      { schema: { tags: ['suppressions'], summary: 'One suppression', params, response: { 200: suppression } } },
      async (request) => suppressions.get(principalOf(request), request.params.id),
    );
    app.delete(
      '/api/v1/suppressions/:id',
      { schema: { tags: ['suppressions'], summary: 'End a suppression now', params, response: { 200: deleted } } },
      async (request) => withMessage(await suppressions.remove(principalOf(request), request.params.id), 'Suppression deleted'),
    );

    app.post(
      '/api/v1/allowlist',
      { schema: { tags: ['suppressions'], summary: 'Allowlist an address or CIDR: never quarantined, its detections stored suppressed', body: createAllowlistBody, response: { 201: allowlistEntry } } },
      async (request, reply) => reply.status(201).send(await suppressions.addAllowlist(principalOf(request), request.body)),
    );
    app.get(
      '/api/v1/allowlist',
      { schema: { tags: ['suppressions'], summary: "The organization's allowlist", querystring: pageQuery, response: { 200: paginated(allowlistEntry) } } },
      async (request) => suppressions.listAllowlist(principalOf(request), request.query.page, request.query.size),
    );
    app.get(
      '/api/v1/allowlist/:id',
      { schema: { tags: ['suppressions'], summary: 'One allowlist entry', params, response: { 200: allowlistEntry } } },
      async (request) => suppressions.getAllowlist(principalOf(request), request.params.id),
    );
    app.delete(
      '/api/v1/allowlist/:id',
      { schema: { tags: ['suppressions'], summary: 'Remove an allowlist entry', params, response: { 200: deleted } } },
      async (request) => withMessage(await suppressions.removeAllowlist(principalOf(request), request.params.id), 'Allowlist entry deleted'),
    );
  };
}
