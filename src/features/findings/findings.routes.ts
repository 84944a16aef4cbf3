import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import type { FindingsService } from './findings.service';
import { findingsPage, findingsQuery } from './findings.schemas';

export function findingsRoutes(deps: { findings: Pick<FindingsService, 'list'> }) {
  return (app: App) => {
    app.get(
      '/api/v1/findings',
      {
        schema: {
          tags: ['findings'],
          summary: 'Anomalies, threats and drift results together, newest first',
          querystring: findingsQuery,
          response: { 200: findingsPage },
        },
      },
      async (request) => deps.findings.list(principalOf(request).organizationId, request.query),
    );
  };
}
