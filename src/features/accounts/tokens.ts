import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Role } from '../../server/types';

export interface AccessClaims {
  userId: string;
  organizationId: string;
  role: Role;
  username: string;
  email: string;
  /** The refresh-token family (login session) this access token was issued in; logout ends it. */
  sessionId?: string;
}

/** HS256 access tokens. Only HS256 is accepted, so `alg: none` and key-confusion tokens fail verification. */
export function createTokenIssuer(options: { secret: string; ttlSeconds: number; issuer?: string }) {
  const key = new TextEncoder().encode(options.secret);
  const issuer = options.issuer ?? 'vigil';
  // Verified tokens are remembered until they expire: HMAC verification through WebCrypto is asynchronous and
  // dominated the cost of an authenticated request. Bounded so a flood of distinct tokens cannot grow it.
  const verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();
  const MAX_CACHED = 10_000;

  return {
    ttlSeconds: options.ttlSeconds,
    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({
        org: claims.organizationId,
        role: claims.role,
        username: claims.username,
        email: claims.email,
        typ: 'access',
        ...(claims.sessionId ? { sid: claims.sessionId } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(issuer)
        .setJti(newId())
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(key);
    },
    async verify(token: string): Promise<AccessClaims> {
      const cached = verified.get(token);
      if (cached) {
        if (cached.expiresAt > Date.now()) return cached.claims;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer });
        if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.org !== 'string') {
          throw new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Invalid access token' });
        }
        const claims: AccessClaims = {
          userId: payload.sub,
          organizationId: payload.org,
          role: payload.role === 'admin' || payload.role === 'viewer' ? payload.role : 'member',
          username: String(payload.username ?? ''),
          email: String(payload.email ?? ''),
          ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}),
        };
        if (verified.size >= MAX_CACHED) verified.delete(verified.keys().next().value!);
        verified.set(token, { claims, expiresAt: (payload.exp ?? 0) * 1000 });
        return claims;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof joseErrors.JWTExpired) {
          throw new AppError({ code: 'TOKEN_EXPIRED', message: 'Access token has expired' });
        }
        throw new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Invalid access token' });
      }
    },
  };
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;
