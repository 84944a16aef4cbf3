import type { App } from '../../server/types';
import type { ConsoleContext, ConsoleRouteDeps } from './console-context';
import { sendHtml } from './console-http';
import { pageConfig, pageSchema } from './console.routes';
import { driftSeverityByResource, infrastructurePage, rulesPage, sourcesPage, summarizeSources } from './views/screens';

/** Read-mostly screens: infrastructure, rules and sources. */
export function consoleScreenRoutes(deps: ConsoleRouteDeps, console: ConsoleContext) {
  return (app: App) => {
    app.get('/console/infrastructure', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const get = (url: string) => deps.api.get(session.user, url, request.ip);
      const [summary, resources, states, results] = await Promise.all([
        get('/api/v1/drift/summary'), get('/api/v1/resources?limit=50'), get('/api/v1/state/list'), get('/api/v1/drift/results?limit=1'),
      ]);
      const latest = results.ok ? (results.data.results ?? [])[0] : null;
      const detail = latest?.drift_detected ? await get(`/api/v1/drift/results/${encodeURIComponent(latest.id)}`) : null;
      const listed: any[] = resources.ok ? (resources.data.resources ?? []) : [];
      const perResource = await Promise.all(
        listed.map(async (r) => {
          const [cost, compliance] = await Promise.all([get(`/api/v1/resources/${encodeURIComponent(r.id)}/cost`), get(`/api/v1/resources/${encodeURIComponent(r.id)}/compliance`)]);
          return { ...r, cost: cost.ok ? cost.data : null, compliance: compliance.ok ? compliance.data : null };
        }),
      );
      return sendHtml(reply, 200, infrastructurePage(console.pageContext(session, request, reply), {
        summary: summary.ok ? summary.data : null,
        resources: perResource,
        totalResources: resources.ok ? Number(resources.data.total ?? listed.length) : 0,
        states: states.ok ? (states.data.state_files ?? []) : [],
        driftByResource: detail?.ok ? driftSeverityByResource(detail.data.drifts ?? []) : {},
      }));
    });

    app.get('/console/rules', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const [threatRules, alertRules] = await Promise.all([deps.api.get(session.user, '/api/v1/rules', request.ip), deps.api.get(session.user, '/v1/alert-rules', request.ip)]);
      return sendHtml(reply, 200, rulesPage(console.pageContext(session, request, reply), threatRules.ok ? (threatRules.data.rules ?? []) : [], alertRules.ok ? (alertRules.data.rules ?? []) : []));
    });

    app.get('/console/sources', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const events = await deps.api.get(session.user, '/api/v1/events?limit=500', request.ip);
      const host = String(request.headers.host ?? 'localhost:8080').replace(/[^\w.:[\]-]/g, '');
      return sendHtml(reply, 200, sourcesPage(console.pageContext(session, request, reply), summarizeSources(events.ok ? (events.data.events ?? []) : []), `${request.protocol}://${host}`));
    });
  };
}
