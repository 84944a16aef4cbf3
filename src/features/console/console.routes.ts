import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { randomToken } from '../../lib/crypto';
import type { App } from '../../server/types';
import { findingsQuery } from '../findings/findings.schemas';
import type { ConsoleContext, ConsoleRouteDeps } from './console-context';
import { LOGIN_CSRF_COOKIE, SESSION_COOKIE, clearCookie, parseCookies, redirect, safeNext, sameOrigin, securityHeaders, sendHtml, setCookie } from './console-http';
import { negotiateEncoding } from './assets';
import { anomalyPage, driftPage, threatPage } from './views/finding';
import { inboxPage, inboxRows } from './views/inbox';
import { errorPage } from './views/layout';
import { loginPage } from './views/login';

/** Console pages are HTML; they are left out of the OpenAPI document. */
export const pageSchema = { hide: true, response: { 200: z.string().describe('HTML page'), 303: z.string().describe('Redirect') } };
export const pageConfig = { access: 'public' as const, raw: true };

const loginForm = z.object({ login: z.string().max(320).default(''), password: z.string().max(1024).default(''), _csrf: z.string().max(200).default(''), next: z.string().max(500).optional() });

function inboxQuery(query: unknown) {
  const parsed = findingsQuery.safeParse(Object.fromEntries(Object.entries((query ?? {}) as Record<string, string>).filter(([, v]) => v !== '')));
  return parsed.success ? parsed.data : findingsQuery.parse({});
}

/** Sign-in, the inbox (with its live fragment), finding detail pages and the static assets. */
export function consoleRoutes(deps: ConsoleRouteDeps, console: ConsoleContext) {
  return (app: App) => {
    const showLogin = (request: any, reply: any, status: number, input: { login?: string; error?: string | null; next?: string | null }) => {
      const csrf = randomToken(24);
      setCookie(request, reply, LOGIN_CSRF_COOKIE, csrf, { maxAgeSeconds: 3600, sameSite: 'Strict', path: '/console/login' });
      return sendHtml(reply, status, loginPage(console.pageContext(null), { csrf, ...input }));
    };

    app.get('/console/login', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const next = safeNext((request.query as Record<string, unknown>)?.next);
      const session = await deps.sessions.resolve(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
      if (session) return redirect(reply, next ?? '/');
      return showLogin(request, reply, 200, { next });
    });

    app.post('/console/login', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const form = loginForm.safeParse(request.body ?? {});
      const input = form.success ? form.data : { login: '', password: '', _csrf: '', next: undefined };
      const next = safeNext(input.next);
      const expected = parseCookies(request.headers.cookie)[LOGIN_CSRF_COOKIE];
      if (!sameOrigin(request) || !expected || expected !== input._csrf) {
        return showLogin(request, reply, 403, { login: input.login, next, error: 'The sign-in form expired. Please try again.' });
      }
      if (!input.login.trim() || !input.password) {
        return showLogin(request, reply, 400, { login: input.login, next, error: 'Enter your username or email and your password.' });
      }
      try {
        const previous = await deps.sessions.resolve(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
        const { token } = await deps.sessions.signIn(input.login, input.password, request.headers['user-agent'] ?? null);
        if (previous) await deps.sessions.signOut(previous.id);
        setCookie(request, reply, SESSION_COOKIE, token, { maxAgeSeconds: deps.sessions.ttlSeconds, sameSite: 'Lax' });
        clearCookie(request, reply, LOGIN_CSRF_COOKIE);
        return redirect(reply, next ?? '/');
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.headers) reply.headers(error.headers);
        const message = error.code === 'INVALID_CREDENTIALS' ? 'Wrong username or password.' : error.message;
        return showLogin(request, reply, error.status, { login: input.login, next, error: message });
      }
    });

    app.post('/console/logout', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireFormSession(request, reply);
      if (!session) return reply;
      await deps.sessions.signOut(session.id);
      clearCookie(request, reply, SESSION_COOKIE);
      return redirect(reply, '/console/login');
    });

    app.get('/console', { config: pageConfig, schema: pageSchema }, async (_request, reply) => redirect(reply, '/'));

    app.get('/', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const query = inboxQuery(request.query);
      const page = await deps.findings.list(session.user.organizationId, query);
      return sendHtml(reply, 200, inboxPage(console.pageContext(session, request, reply), page, query));
    });

    app.get('/console/inbox/rows', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const page = await deps.findings.list(session.user.organizationId, inboxQuery(request.query));
      reply.header('x-total-count', String(page.total));
      return sendHtml(reply, 200, inboxRows(page));
    });

    app.get('/console/findings/:engine/:id', { config: pageConfig, schema: pageSchema }, async (request, reply) => {
      const session = await console.requireSession(request, reply);
      if (!session) return reply;
      const { engine, id } = request.params as { engine: string; id: string };
      const ctx = console.pageContext(session, request, reply);
      const path = encodeURIComponent(id);
      if (engine === 'anomaly') {
        const answer = await deps.api.get(session.user, `/api/v1/anomalies/${path}`, request.ip);
        if (!answer.ok) return console.apiErrorPage(reply, session, answer);
        const a = answer.data;
        const around = 60 * 60_000;
        const at = Date.parse(a.detected_at);
        const events = await deps.api.get(
          session.user,
          `/api/v1/events?type=metric&source=${encodeURIComponent(a.source)}&name=${encodeURIComponent(a.metric)}&start_time=${new Date(at - around).toISOString()}&end_time=${new Date(at + around).toISOString()}&limit=500`,
          request.ip,
        );
        const points = events.ok ? (events.data.events ?? []).filter((e: any) => typeof e.value === 'number').map((e: any) => ({ t: Date.parse(e.timestamp), v: e.value })) : [];
        return sendHtml(reply, 200, anomalyPage(ctx, a, points));
      }
      if (engine === 'threat') {
        const answer = await deps.api.get(session.user, `/api/v1/threats/${path}`, request.ip);
        return answer.ok ? sendHtml(reply, 200, threatPage(ctx, answer.data)) : console.apiErrorPage(reply, session, answer);
      }
      if (engine === 'drift') {
        const answer = await deps.api.get(session.user, `/api/v1/drift/results/${path}`, request.ip);
        return answer.ok ? sendHtml(reply, 200, driftPage(ctx, answer.data)) : console.apiErrorPage(reply, session, answer);
      }
      return sendHtml(reply, 404, errorPage(ctx, 404, 'No such finding.'));
    });

    app.get('/console/assets/:file', { config: pageConfig, schema: { hide: true } }, async (request, reply) => {
      const asset = deps.assets.byUrl(request.url.split('?')[0]!);
      securityHeaders(reply);
      if (!asset) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
      reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', asset.etag).header('vary', 'accept-encoding').type(asset.type);
      if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
      const encoding = negotiateEncoding(request.headers['accept-encoding']);
      if (encoding) reply.header('content-encoding', encoding);
      return reply.send(encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.body);
    });
  };
}
