import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/logger';
import type { FindingsApi } from '../findings/findings.api';
import type { ConsoleApiClient } from './api-client';
import type { Assets } from './assets';
import { FLASH_COOKIE, SESSION_COOKIE, clearCookie, parseCookies, redirect, sameOrigin, sendHtml, setCookie } from './console-http';
import type { ConsoleSession, SessionsService } from './sessions.service';
import { errorPage, type PageContext } from './views/layout';

export interface ConsoleRouteDeps {
  sessions: SessionsService;
  findings: FindingsApi;
  api: ConsoleApiClient;
  assets: Assets;
  logger: Logger;
}

/** Helpers every console route shares: the session guard, CSRF check, flash messages and page context. */
export function createConsoleContext(deps: ConsoleRouteDeps) {
  const assetUrls = { css: deps.assets.url('console.css'), js: deps.assets.url('console.js') };

  function pageContext(session: ConsoleSession | null, request?: FastifyRequest, reply?: FastifyReply): PageContext {
    let flash: PageContext['flash'] = null;
    if (request && reply) {
      const text = parseCookies(request.headers.cookie)[FLASH_COOKIE];
      if (text) {
        const kind = text.startsWith('ok:') ? 'ok' : text.startsWith('bad:') ? 'bad' : 'info';
        flash = { kind, text: text.replace(/^(ok|bad|info):/, '').slice(0, 300) };
        clearCookie(request, reply, FLASH_COOKIE);
      }
    }
    return { session, assets: assetUrls, flash };
  }

  return {
    pageContext,

    /** The signed-in session, or null after answering (a redirect to the sign-in page). */
    async requireSession(request: FastifyRequest, reply: FastifyReply): Promise<ConsoleSession | null> {
      const session = await deps.sessions.resolve(parseCookies(request.headers.cookie)[SESSION_COOKIE]);
      if (session) return session;
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      await redirect(reply, `/console/login${next}`);
      return null;
    },

    /** For forms: a session whose CSRF token the body carries, from our own origin. Answers 403 otherwise. */
    async requireFormSession(request: FastifyRequest, reply: FastifyReply): Promise<ConsoleSession | null> {
      const session = await this.requireSession(request, reply);
      if (!session) return null;
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (!sameOrigin(request) || !deps.sessions.csrfMatches(session, body._csrf)) {
        await sendHtml(reply, 403, errorPage(pageContext(session), 403, 'This form expired or did not come from this console. Reload the page and try again.'));
        return null;
      }
      return session;
    },

    flash(request: FastifyRequest, reply: FastifyReply, kind: 'ok' | 'bad' | 'info', text: string) {
      setCookie(request, reply, FLASH_COOKIE, `${kind}:${text.slice(0, 300)}`, { maxAgeSeconds: 60, sameSite: 'Strict' });
    },

    /** Renders an API error as a page with the API's status and message (404 for a foreign id, 403 for a role). */
    apiErrorPage(reply: FastifyReply, session: ConsoleSession, answer: { status: number; error: { message: string } | null }) {
      const status = answer.status >= 400 ? answer.status : 500;
      return sendHtml(reply, status, errorPage(pageContext(session), status, answer.error?.message ?? 'The request failed'));
    },
  };
}

export type ConsoleContext = ReturnType<typeof createConsoleContext>;
