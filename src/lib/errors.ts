/**
 * The one error type of Vigil. Every failure a client may see is an AppError with a code from this closed
 * list; `codeToStatus` maps it to HTTP and the error plugin renders it in the route family's format.
 */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'AUTHENTICATION_REQUIRED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'ACCOUNT_DISABLED',
  'INSUFFICIENT_PERMISSIONS',
  'IP_BLOCKED',
  'RESOURCE_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'THREAT_NOT_FOUND',
  'PLAYBOOK_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'SOURCE_NOT_FOUND',
  'RESOURCE_ALREADY_EXISTS',
  'CONFLICT',
  'STATE_LOCKED',
  'RATE_LIMIT_EXCEEDED',
  'MODEL_NOT_READY',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'INVALID_INVITATION',
  'DESTINATION_NOT_ALLOWED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function codeToStatus(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_ERROR':
    case 'INVALID_JSON':
    case 'INVALID_INVITATION':
    case 'DESTINATION_NOT_ALLOWED':
      return 400;
    case 'AUTHENTICATION_REQUIRED':
    case 'INVALID_CREDENTIALS':
    case 'TOKEN_EXPIRED':
      return 401;
    case 'ACCOUNT_DISABLED':
    case 'INSUFFICIENT_PERMISSIONS':
    case 'IP_BLOCKED':
      return 403;
    case 'RESOURCE_NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
    case 'THREAT_NOT_FOUND':
    case 'PLAYBOOK_NOT_FOUND':
    case 'AGENT_NOT_FOUND':
    case 'SOURCE_NOT_FOUND':
      return 404;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'RESOURCE_ALREADY_EXISTS':
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'STATE_LOCKED':
      return 423;
    case 'RATE_LIMIT_EXCEEDED':
      return 429;
    case 'INTERNAL_ERROR':
      return 500;
    case 'MODEL_NOT_READY':
    case 'SERVICE_UNAVAILABLE':
      return 503;
  }
}

export interface AppErrorOptions {
  code: ErrorCode;
  message: string;
  details?: unknown;
  /** Extra headers the error response carries (Retry-After, WWW-Authenticate...). */
  headers?: Record<string, string>;
  /** Extra top-level fields inside the `error` object (e.g. `retry_after`). */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = codeToStatus(options.code);
    this.details = options.details;
    this.headers = options.headers;
    this.extra = options.extra;
  }
}

export const notFound = (what = 'Resource', code: ErrorCode = 'RESOURCE_NOT_FOUND') =>
  new AppError({ code, message: `${what} not found` });

export const badRequest = (message: string, details?: unknown) =>
  new AppError({ code: 'VALIDATION_ERROR', message, details });

export const forbidden = (message = 'You do not have permission to perform this action') =>
  new AppError({ code: 'INSUFFICIENT_PERMISSIONS', message });

export const unauthorized = (message = 'Authentication required') =>
  new AppError({ code: 'AUTHENTICATION_REQUIRED', message });

export const conflict = (message: string, details?: unknown) =>
  new AppError({ code: 'CONFLICT', message, details });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
