import { SignJWT } from 'jose';
import { expect, it } from 'vitest';
import type { TestApp } from './test-app';
import { createApiKey, json, registerUser, type Session } from './http';

const TEST_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123');

export async function expiredToken(session: Session): Promise<string> {
  const past = Math.floor(Date.now() / 1000) - 3600;
  return new SignJWT({ org: session.organizationId, role: 'user', username: 'x', email: 'x@x', typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(session.userId)
    .setIssuer('vigil')
    .setIssuedAt(past - 60)
    .setExpirationTime(past)
    .sign(TEST_SECRET);
}

export function algNoneToken(session: Session): string {
  const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: session.userId, org: session.organizationId, role: 'admin', typ: 'access', iss: 'vigil', iat: now, exp: now + 600 })}.`;
}

export function tamperedToken(session: Session): string {
  const [header, payload, signature] = session.token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  claims.role = 'admin';
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

export interface ProtectedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: unknown;
}

/** The error code family of a URL: `/v1` answers bare errors, everything else the envelope. */
export function errorCode(body: any): string {
  return body?.error?.code;
}

/**
 * The shared security cases every protected route must pass: no credentials, garbage, tampered, expired and
 * `alg: none` tokens are 401; a read-only API key on a write route is 403.
 */
export function securitySuite(getApp: () => TestApp, routes: ProtectedRoute[]) {
  for (const route of routes) {
    const name = `${route.method} ${route.url}`;
    it(`${name}: 401 without credentials`, async () => {
      const res = await getApp().app.inject({ method: route.method, url: route.url, payload: route.payload as any });
      expect(res.statusCode).toBe(401);
      expect(errorCode(json(res))).toBe('AUTHENTICATION_REQUIRED');
    });
    it(`${name}: 401 with a garbage, tampered, expired or alg:none token`, async () => {
      const app = getApp();
      const session = await registerUser(app);
      for (const token of ['not-a-jwt', tamperedToken(session), await expiredToken(session), algNoneToken(session)]) {
        const res = await app.app.inject({ method: route.method, url: route.url, payload: route.payload as any, headers: { authorization: `Bearer ${token}` } });
        expect(res.statusCode, `token ${token.slice(0, 20)}`).toBe(401);
        expect(['AUTHENTICATION_REQUIRED', 'TOKEN_EXPIRED']).toContain(errorCode(json(res)));
      }
    });
    it(`${name}: 401 with an unknown API key`, async () => {
      const res = await getApp().app.inject({ method: route.method, url: route.url, payload: route.payload as any, headers: { 'x-api-key': 'sk_live_unknown' } });
      expect(res.statusCode).toBe(401);
      expect(['AUTHENTICATION_REQUIRED', 'INVALID_CREDENTIALS']).toContain(errorCode(json(res)));
    });
    if (route.method !== 'GET') {
      it(`${name}: 403 with a read-only API key`, async () => {
        const app = getApp();
        const session = await registerUser(app);
        const key = await createApiKey(app, session, ['read']);
        const res = await app.app.inject({ method: route.method, url: route.url, payload: route.payload as any, headers: { 'x-api-key': key } });
        expect(res.statusCode).toBe(403);
        expect(errorCode(json(res))).toBe('INSUFFICIENT_PERMISSIONS');
      });
    }
  }
}
