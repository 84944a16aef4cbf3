import { z } from 'zod';
import { envelope } from '../../server/family';
import { principalOf } from '../../server/auth';
import { withMessage } from '../../server/envelope';
import type { App } from '../../server/types';
import type { Blocklist } from './blocklist';
import type { PlaybooksService } from './playbooks.service';
import { approveBody, approveResponse, blocklistQuery, idParams, ipParams, playbooksQuery } from './threats.schemas';
import { blocklistEnvelope, ipReleased, playbookDetail, playbookList } from './threat-responses.schemas';

const tags = ['playbooks'];

/** Playbooks with approval, and the blocklist their QUARANTINE_IP steps fill (JSON, plain text, nginx). */
export function playbooksRoutes(deps: { playbooks: PlaybooksService; blocklist: Blocklist }) {
  return (app: App) => {
    app.get(
      '/api/v1/playbooks',
      { schema: { tags, summary: 'List playbooks (optionally of one threat)', querystring: playbooksQuery, response: { 200: playbookList } } },
      async (request) => deps.playbooks.list(principalOf(request).organizationId, request.query.threat_id, request.query.page, request.query.limit),
    );
    app.get(
      '/api/v1/playbooks/:id',
      { schema: { tags, summary: 'One playbook with its steps', params: idParams, response: { 200: playbookDetail } } },
      async (request) => deps.playbooks.get(principalOf(request).organizationId, request.params.id),
    );
    app.post(
      '/api/v1/playbooks/:id/approve',
      {
        config: { access: 'admin' },
        schema: { tags, summary: 'Approve (executes the steps) or reject (approved: false) a playbook (admin)', params: idParams, body: approveBody, response: { 200: approveResponse } },
      },
      async (request) => {
        const result = await deps.playbooks.approve(principalOf(request), request.params.id, request.body);
        return withMessage(result, request.body.approved ? `Playbook ${result.status}` : 'Playbook rejected');
      },
    );

    app.get(
      '/api/v1/blocklist',
      {
        config: { raw: true },
        schema: { tags: ['blocklist'], summary: 'Quarantined IPs: JSON (default), ?format=txt (or Accept: text/plain) or ?format=nginx', querystring: blocklistQuery, response: { 200: z.union([blocklistEnvelope, z.string().describe('text/plain: one address a line, or nginx deny lines')]) } },
      },
      async (request, reply) => {
        const entries = await deps.blocklist.list(principalOf(request).organizationId);
        const accept = String(request.headers.accept ?? '');
        const format = request.query.format ?? (accept.includes('text/plain') && !accept.includes('application/json') ? 'txt' : 'json');
        if (format === 'json') return reply.type('application/json; charset=utf-8').send(envelope({ blocklist: entries, total: entries.length }) as z.infer<typeof blocklistEnvelope>);
        const lines = entries.map((entry) => (format === 'nginx' ? `deny ${entry.ip};` : entry.ip));
        return reply.type('text/plain; charset=utf-8').send(lines.length ? `${lines.join('\n')}\n` : '');
      },
    );
    app.delete(
      '/api/v1/blocklist/:ip',
      { config: { access: 'admin' }, schema: { tags: ['blocklist'], summary: 'Release a quarantined IP (admin)', params: ipParams, response: { 200: ipReleased } } },
      async (request) => withMessage(await deps.blocklist.remove(principalOf(request).organizationId, request.params.ip, principalOf(request)), 'IP released'),
    );
  };
}
