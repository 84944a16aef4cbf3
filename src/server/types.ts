import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppError } from '../lib/errors';

export type Role = 'admin' | 'member' | 'viewer';
export const ROLES = ['admin', 'member', 'viewer'] as const;
/** `state:write`: reads and writes Terraform state only (for CI), nothing else. */
export type Permission = 'read' | 'write' | 'state:write';

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
  /** The client address of the request this principal came with (for the audit trail). */
  ip?: string;
  /** The login session of an access token (absent for API keys). */
  sessionId?: string;
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
    /** A write a viewer may still make about itself (logout, password, own read-only keys). */
    selfService?: boolean;
    /** A Terraform state route: API keys scoped to `state:write` may call it. */
    terraformState?: boolean;
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
