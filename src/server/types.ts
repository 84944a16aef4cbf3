import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppError } from '../lib/errors';

export type Role = 'admin' | 'user';
export type Permission = 'read' | 'write';

/** Who is calling: resolved once per request from a JWT or an API key. */
export interface Principal {
  userId: string;
  organizationId: string;
  role: Role;
  username: string;
  email: string;
  via: 'jwt' | 'api_key';
  apiKeyId: string | null;
  permissions: Permission[];
}

/** Per-route access: `public` needs nothing, `user` any principal (default), `admin` an admin principal. */
export type RouteAccess = 'public' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Credentials were presented but were invalid; protected routes answer with this error. */
    authFailure: AppError | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The handler writes its own body (plain text, terraform state): no envelope. */
    raw?: boolean;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A feature's HTTP surface: registered at the root with full paths. */
export type RouteRegistrar = (app: App) => void | Promise<void>;
