import { z } from 'zod';
import { AppError } from '../lib/errors';
import type { App } from './types';

/** The declared schema for a status: exact (`200`), class (`2XX`) or `default`. */
function declaredSchema(responses: Record<string, unknown> | undefined, status: number): unknown {
  if (!responses) return undefined;
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
}

/**
 * Checks every JSON answer against the response schema its route declares, so the OpenAPI document cannot
 * drift from what the server sends. On (VIGIL_VALIDATE_RESPONSES) in development and in the test suite: an
 * answer that breaks its contract is logged with the zod issues and becomes a 500. Raw routes (text bodies,
 * Terraform state) and routes without any response schema are left alone.
 */
export function installResponseValidation(app: App) {
  app.addHook('preSerialization', async (request, reply, payload) => {
    if (request.routeOptions.config?.raw) return payload;
    const responses = (request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response;
    if (!responses) return payload;
    const schema = declaredSchema(responses, reply.statusCode);
    const problem = !schema
      ? `status ${reply.statusCode} is not declared`
      : schema instanceof z.ZodType
        ? (() => {
            const result = schema.safeParse(payload);
            return result.success ? null : result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
          })()
        : null;
    if (!problem) return payload;
    request.log.error({ route: request.routeOptions.url, status: reply.statusCode, problem }, 'response does not match its declared schema');
    if (reply.statusCode >= 500) return payload;
    throw new AppError({ code: 'INTERNAL_ERROR', message: 'An unexpected error occurred', details: { response_contract: problem }, cause: new Error(`${request.method} ${request.routeOptions.url} ${reply.statusCode}: ${problem}`) });
  });
}
