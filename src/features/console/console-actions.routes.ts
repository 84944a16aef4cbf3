import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../server/types';
import type { ConsoleContext, ConsoleRouteDeps } from './console-context';
import { redirect, sendHtml } from './console-http';
import { pageConfig, pageSchema } from './console.routes';
import type { ConsoleSession } from './sessions.service';
import { accessPage, type AccessData } from './views/access';
import { approvalsPage } from './views/approvals';

const ANOMALY_ACTIONS: Record<string, { method: 'PATCH' | 'PUT'; url: (id: string) => string; body: unknown; done: string }> = {
  acknowledge: { method: 'PATCH', url: (id) => `/v1/alerts/${id}/acknowledge`, body: {}, done: 'Anomaly acknowledged.' },
  resolve: { method: 'PUT', url: (id) => `/api/v1/anomalies/${id}/resolve`, body: {}, done: 'Anomaly resolved.' },
  'false-positive': { method: 'PATCH', url: (id) => `/v1/alerts/${id}/acknowledge`, body: { isFalsePositive: true }, done: 'Marked as a false positive: its detector learns from it.' },
};

const field = (request: FastifyRequest, name: string) => {
  const value = ((request.body ?? {}) as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
};

/** Screens that act: anomaly triage, playbook approvals and API keys. Every action is the API's own route. */
export function consoleActionRoutes(deps: ConsoleRouteDeps, console: ConsoleContext) {
  async function loadAccess(session: ConsoleSession, ip: string): Promise<AccessData> {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600_000);
    const [keys, webhooks, limits, usage] = await Promise.all([
      deps.api.get(session.user, '/api/v1/api-keys?size=100', ip),
      deps.api.get(session.user, '/api/v1/webhooks?size=100', ip),
      deps.api.get(session.user, '/api/v1/rate-limits', ip),
      deps.api.get(session.user, `/api/v1/analytics/usage?interval=hour&start_date=${from.toISOString()}&end_date=${to.toISOString()}`, ip),
    ]);
    const hooks: any[] = webhooks.ok ? (webhooks.data.items ?? []) : [];
    const deliveries: Record<string, any[]> = {};
    await Promise.all(
      hooks.slice(0, 20).map(async (w) => {
        const answer = await deps.api.get(session.user, `/api/v1/webhooks/${encodeURIComponent(w.id)}/deliveries?size=10`, ip);
        deliveries[w.id] = answer.ok ? (answer.data.items ?? answer.data.deliveries ?? []) : [];
      }),
    );
    return { keys: keys.ok ? (keys.data.items ?? []) : [], webhooks: hooks, deliveries, rateLimits: limits.ok ? limits.data : null,
      usage: usage.ok ? (usage.data.data_points ?? []).map((p: any) => ({ timestamp: p.timestamp, requests: p.requests, errors: p.error_count })) : [],
    };
  }

  const showAccess = async (request: FastifyRequest, reply: FastifyReply, session: ConsoleSession, status: number, extra: Partial<AccessData> = {}) =>
    sendHtml(reply, status, accessPage(console.pageContext(session, request, reply), { ...(await loadAccess(session, request.ip)), ...extra }));

  return (app: App) => {
    app.post('/console/anomalies/:id/:action', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireFormSession(request, reply);
      if (!session) return reply;
      const { id, action } = request.params as { id: string; action: string };
      const spec = ANOMALY_ACTIONS[action];
      const back = `/console/findings/anomaly/${encodeURIComponent(id)}`;
      if (!spec) return console.apiErrorPage(reply, session, { status: 404, error: { message: 'Unknown action.' } });
      const answer = await deps.api.call(session.user, spec.method, spec.url(encodeURIComponent(id)), spec.body, request.ip);
      if (answer.status === 404) return console.apiErrorPage(reply, session, answer);
      console.flash(request, reply, answer.ok ? 'ok' : 'bad', answer.ok ? spec.done : (answer.error?.message ?? 'The action failed.'));
      return redirect(reply, back);
    });

    app.get('/console/approvals', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const list = await deps.api.get(session.user, '/api/v1/playbooks?limit=100', request.ip);
      if (!list.ok) return console.apiErrorPage(reply, session, list);
      const all: any[] = list.data.playbooks ?? [];
      const pendingIds = all.filter((p) => p.approval_status === 'pending').slice(0, 20).map((p) => p.id);
      const pending = (await Promise.all(pendingIds.map((id) => deps.api.get(session.user, `/api/v1/playbooks/${encodeURIComponent(id)}`, request.ip))))
        .filter((a) => a.ok)
        .map((a) => a.data);
      const decided = all.filter((p) => p.approval_status !== 'pending').slice(0, 20);
      return sendHtml(reply, 200, approvalsPage(console.pageContext(session, request, reply), pending, decided));
    });

    app.post('/console/playbooks/:id/decision', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireFormSession(request, reply);
      if (!session) return reply;
      const { id } = request.params as { id: string };
      const approved = field(request, 'decision') === 'approve';
      const comment = field(request, 'comment').trim();
      const answer = await deps.api.call(session.user, 'POST', `/api/v1/playbooks/${encodeURIComponent(id)}/approve`, { approved, comment: comment || null }, request.ip);
      if (answer.status === 403 || answer.status === 404) return console.apiErrorPage(reply, session, answer);
      console.flash(request, reply, answer.ok ? 'ok' : 'bad', answer.ok ? (approved ? `Playbook approved: ${answer.data.status}.` : 'Playbook rejected.') : (answer.error?.message ?? 'The decision failed.'));
      return redirect(reply, '/console/approvals');
    });

    app.get('/console/access', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      return showAccess(request, reply, session, 200);
    });

    app.post('/console/keys', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireFormSession(request, reply);
      if (!session) return reply;
      const name = field(request, 'name');
      const permissions = field(request, 'permissions') === 'read' ? ['read'] : ['read', 'write'];
      const answer = await deps.api.call(session.user, 'POST', '/api/v1/api-keys', { name, permissions }, request.ip);
      if (!answer.ok) return showAccess(request, reply, session, answer.status, { keyError: fieldMessage(answer.error), keyName: name });
      // The key is rendered into this one response only (no-store), never into a cookie or a later page.
      return showAccess(request, reply, session, 201, { createdKey: { name: answer.data.name, key: answer.data.key } });
    });

    app.post('/console/rate-limits', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireFormSession(request, reply);
      if (!session) return reply;
      const number = (name: string) => (/^\d{1,9}$/.test(field(request, name).trim()) ? Number(field(request, name).trim()) : field(request, name));
      const body = { global: { requests_per_minute: number('requests_per_minute'), requests_per_hour: number('requests_per_hour') }, algorithm: field(request, 'algorithm') };
      const answer = await deps.api.call(session.user, 'PUT', '/api/v1/rate-limits', body, request.ip);
      if (answer.status === 403) return console.apiErrorPage(reply, session, answer);
      if (!answer.ok) return showAccess(request, reply, session, answer.status, { limitsError: fieldMessage(answer.error) });
      console.flash(request, reply, 'ok', 'Rate limits saved.');
      return redirect(reply, '/console/access');
    });

    app.post('/console/keys/:id/revoke', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireFormSession(request, reply);
      if (!session) return reply;
      const { id } = request.params as { id: string };
      const answer = await deps.api.call(session.user, 'DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`, undefined, request.ip);
      if (answer.status === 404) return console.apiErrorPage(reply, session, answer);
      console.flash(request, reply, answer.ok ? 'ok' : 'bad', answer.ok ? 'Key revoked: it no longer authenticates.' : (answer.error?.message ?? 'Revoking failed.'));
      return redirect(reply, '/console/access');
    });
  };
}

/** The API's validation message, phrased for the field next to which it is shown. */
function fieldMessage(error: { message: string; details?: unknown } | null): string {
  const details = Array.isArray(error?.details) ? (error!.details as { field?: string; message?: string }[]) : [];
  const first = details[0];
  if (first?.message) return `${(first.field ?? '').replace(/^body\./, '').replace(/^global\./, 'global ') || 'Value'}: ${first.message}`;
  return error?.message ?? 'The key could not be created.';
}
