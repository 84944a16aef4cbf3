import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../lib/errors';
import { familyOf } from './family';
import type { App } from './types';
import { drainRequest } from './oversized-body';

/** Codes of the `/v1` family (seed 003): every 400 is INVALID_DATA, 429 RATE_LIMITED, 404 NOT_FOUND. */
function bareCode(error: AppError): string {
  if (error.status === 400) return 'INVALID_DATA';
  if (error.status === 429) return 'RATE_LIMITED';
  if (error.status === 404) return error.code === 'SOURCE_NOT_FOUND' ? 'SOURCE_NOT_FOUND' : 'NOT_FOUND';
  return error.code;
}

export function renderError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (error.headers) reply.headers(error.headers);
  reply.header('cache-control', 'no-store');
  const body: Record<string, unknown> = { message: error.message, ...(error.extra ?? {}) };
  if (error.details !== undefined) body.details = error.details;
  if (familyOf(request.url) === 'bare') {
    return reply.status(error.status).send({ error: { code: bareCode(error), ...body } });
  }
  return reply.status(error.status).send({
    success: false,
    data: null,
    error: { code: error.code, ...body },
    ...(error.extra ?? {}),
    timestamp: new Date().toISOString(),
  });
}

const FASTIFY_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'AUTHENTICATION_REQUIRED',
  403: 'INSUFFICIENT_PERMISSIONS',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMIT_EXCEEDED',
};

/** Turns whatever was thrown into an AppError; anything unexpected becomes a generic 500. */
export function toAppError(error: unknown): { appError: AppError; unexpected: boolean } {
  if (error instanceof AppError) return { appError: error, unexpected: false };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((issue) => ({
      field: [error.validationContext, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message,
    }));
    const first = details[0];
    return {
      appError: new AppError({
        code: 'VALIDATION_ERROR',
        message: first ? `Invalid request: ${first.field} ${first.message}` : 'Invalid request',
        details,
      }),
      unexpected: false,
    };
  }
  const fastifyError = error as Partial<FastifyError> & { status?: number };
  const status = fastifyError.statusCode ?? fastifyError.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const isJson = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError;
    const code: ErrorCode = isJson ? 'INVALID_JSON' : (FASTIFY_STATUS_CODES[status] ?? 'VALIDATION_ERROR');
    const message = isJson ? 'Request body is not valid JSON' : (fastifyError.message ?? 'Bad request');
    return { appError: new AppError({ code, message }), unexpected: false };
  }
  return {
    appError: new AppError({ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred', cause: error }),
    unexpected: true,
  };
}

export function installErrorHandling(app: App, options: { oversizedDrainBytes?: number } = {}) {
  app.setErrorHandler(async (error, request, reply) => {
    const { appError, unexpected } = toAppError(error);
    if (unexpected) request.log.error({ err: error }, 'unhandled error');
    else if (appError.status >= 500) request.log.warn({ err: error }, appError.message);
    if (appError.status === 413) {
      // Let the client finish sending (bounded) so that it reads this answer instead of a reset connection.
      const { complete } = await drainRequest(request.raw, options.oversizedDrainBytes ?? 64 * 1024 * 1024);
      reply.header('connection', 'close');
      if (!complete) request.log.info({ url: request.url }, 'oversized body beyond the drain cap: connection closed after the 413');
    }
    return renderError(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    renderError(request, reply, new AppError({ code: 'ROUTE_NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0]} not found` })),
  );
}
