import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from './html';

export const SESSION_COOKIE = 'vigil_session';
export const LOGIN_CSRF_COOKIE = 'vigil_login_csrf';
export const FLASH_COOKIE = 'vigil_flash';

/**
 * Nothing inline may run: scripts and styles come from our own origin only, forms post only to us, no framing.
 * `img-src data:` is not needed (charts are inline SVG markup, not images).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 1) continue;
    const name = part.slice(0, index).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // a malformed cookie is ignored, as a browser would
    }
  }
  return cookies;
}

export const isHttps = (request: FastifyRequest) => request.protocol === 'https';

export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  value: string,
  options: { maxAgeSeconds: number; sameSite?: 'Strict' | 'Lax'; path?: string },
) {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    `SameSite=${options.sameSite ?? 'Lax'}`,
  ];
  if (isHttps(request)) parts.push('Secure');
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export const clearCookie = (request: FastifyRequest, reply: FastifyReply, name: string) => setCookie(request, reply, name, '', { maxAgeSeconds: 0 });

export function securityHeaders(reply: FastifyReply) {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'same-origin');
}

export function sendHtml(reply: FastifyReply, status: number, page: SafeHtml | string) {
  securityHeaders(reply);
  reply.header('cache-control', 'no-store');
  return reply.status(status).type('text/html; charset=utf-8').send(String(page));
}

export function redirect(reply: FastifyReply, location: string) {
  securityHeaders(reply);
  reply.header('cache-control', 'no-store');
  return reply.status(303).header('location', location).type('text/html; charset=utf-8').send('');
}

/** A same-site path to return to after sign-in (never another origin). */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || value.length > 500) return null;
  return value;
}

/**
 * Defense in depth beside the CSRF token: a browser's POST names its origin; one from another site is refused.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
