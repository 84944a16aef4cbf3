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
}

/** HS256 access tokens. Only HS256 is accepted, so `alg: none` and key-confusion tokens fail verification. */
export function createTokenIssuer(options: { secret: string; ttlSeconds: number; issuer?: string }) {
  const key = new TextEncoder().encode(options.secret);
  const issuer = options.issuer ?? 'vigil';

  return {
    ttlSeconds: options.ttlSeconds,
    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({
        org: claims.organizationId,
        role: claims.role,
        username: claims.username,
        email: claims.email,
        typ: 'access',
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
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer });
        if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.org !== 'string') {
          throw new AppError({ code: 'AUTHENTICATION_REQUIRED', message: 'Invalid access token' });
        }
        return {
          userId: payload.sub,
          organizationId: payload.org,
          role: payload.role === 'admin' ? 'admin' : 'user',
          username: String(payload.username ?? ''),
          email: String(payload.email ?? ''),
        };
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
