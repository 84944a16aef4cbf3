import { z } from 'zod';
import { principalOf } from '../../../server/auth';
import { withMessage } from '../../../server/envelope';
import type { App } from '../../../server/types';
import type { BackendConfig } from './backends/config';
import type { BackendsService } from './backends.service';
import type { AuditApi } from '../../audit/audit.api';
import { backendTestResult, backendView, createBackendBody, discoverBody, idParams } from './state.schemas';

const tags = ['drift: backends'];

export function backendsRoutes(deps: { backends: BackendsService; audit: AuditApi }) {
  const { backends } = deps;
  return (app: App) => {
    app.get(
      '/api/v1/backends/list',
      { schema: { tags, summary: 'Terraform state backends of the organization', response: { 200: z.object({ backends: z.array(backendView), total: z.number() }) } } },
      async (request) => backends.list(principalOf(request).organizationId),
    );
    app.post(
      '/api/v1/backends/discover',
      {
        config: { access: 'admin' },
        schema: {
          tags,
          summary: 'Discover backends from the configured sources (terraform roots, S3 buckets, pg schema, http states)',
          body: discoverBody,
          response: { 200: z.object({ discovered: z.number(), backends: z.array(backendView), providers: z.array(z.object({ provider: z.string(), found: z.number(), message: z.string() })).optional() }) },
        },
      },
      async (request) => {
        const result = await backends.discover(principalOf(request).organizationId, request.body ?? {});
        await deps.audit.record({ organizationId: principalOf(request).organizationId, action: 'backend.discovered', actor: principalOf(request), target: { type: 'backend', id: null }, details: { discovered: result.discovered } });
        return withMessage(result, `Discovered ${result.discovered} backend(s)`);
      },
    );
    app.post(
      '/api/v1/backends',
      { config: { access: 'admin' }, schema: { tags, summary: 'Configure a backend (local, http, pg, s3)', body: createBackendBody, response: { 201: backendView } } },
      async (request, reply) => {
        const body = request.body;
        const config = { ...(body.config ?? {}), type: body.type } as BackendConfig;
        reply.status(201);
        const created = await backends.create(principalOf(request), { name: body.name, config });
        await deps.audit.record({ organizationId: principalOf(request).organizationId, action: 'backend.created', actor: principalOf(request), target: { type: 'backend', id: created.id }, details: { type: body.type, name: body.name } });
        return withMessage(created, 'Backend created');
      },
    );
    app.get(
      '/api/v1/backends/:id',
      { schema: { tags, summary: 'One backend (secrets masked)', params: idParams, response: { 200: backendView } } },
      async (request) => backends.get(principalOf(request).organizationId, request.params.id),
    );
    app.delete(
      '/api/v1/backends/:id',
      { config: { access: 'admin' }, schema: { tags, summary: 'Remove a backend (and Vigil\'s record of its states)', params: idParams, response: { 200: z.object({ id: z.string(), deleted: z.boolean() }) } } },
      async (request) => {
        const removed = await backends.remove(principalOf(request).organizationId, request.params.id);
        await deps.audit.record({ organizationId: principalOf(request).organizationId, action: 'backend.deleted', actor: principalOf(request), target: { type: 'backend', id: request.params.id } });
        return withMessage(removed, 'Backend deleted');
      },
    );
    app.post(
      '/api/v1/backends/:id/test',
      { schema: { tags, summary: 'Real connection check with its measured response time', params: idParams, response: { 200: backendTestResult } } },
      async (request) => backends.test(principalOf(request).organizationId, request.params.id),
    );
  };
}
