import { z } from 'zod';
import { envelope, familyOf } from './family';
import type { App } from './types';

const MESSAGE = Symbol('envelope-message');

/** Returns `data` with a human message for the envelope's `message` field. */
export function withMessage<T>(data: T, message: string): T {
  return { [MESSAGE]: message, data } as unknown as T;
}

function unwrap(payload: unknown): { data: unknown; message?: string } {
  if (payload && typeof payload === 'object' && MESSAGE in payload) {
    const marked = payload as { [MESSAGE]: string; data: unknown };
    return { data: marked.data, message: marked[MESSAGE] };
  }
  return { data: payload };
}

const errorSchema = z.object({
  success: z.literal(false),
  data: z.null(),
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  timestamp: z.string(),
});
const bareErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

/**
 * Handlers of envelope routes return their payload; this wraps it in `{success, data, message?, timestamp}`.
 * Response schemas are rewritten the same way for the OpenAPI document, and error responses are documented.
 */
export function installEnvelope(app: App) {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { response?: Record<string, unknown>; hide?: boolean } | undefined;
    if (!schema?.response) return;
    const raw = route.config && (route.config as { raw?: boolean }).raw;
    const bare = familyOf(route.url) === 'bare';
    const response: Record<string, unknown> = {};
    for (const [status, body] of Object.entries(schema.response)) {
      response[status] =
        raw || bare || !(body instanceof z.ZodType)
          ? body
          : z.object({ success: z.literal(true), data: body, message: z.string().optional(), timestamp: z.string() });
    }
    const errorBody = bare ? bareErrorSchema : errorSchema;
    for (const status of ['400', '401', '403', '404', '409', '413', '429']) response[status] ??= errorBody;
    schema.response = response;
  });

  app.addHook('preSerialization', async (request, reply, payload) => {
    if (reply.statusCode >= 400 || request.routeOptions.config?.raw) return payload;
    const url = request.routeOptions.url ?? request.url;
    if (familyOf(url) === 'bare') return unwrap(payload).data;
    if (payload && typeof payload === 'object' && 'success' in payload && 'timestamp' in payload) return payload;
    const { data, message } = unwrap(payload);
    return envelope(data, message);
  });
}

/** Serializes responses with JSON.stringify: zod response schemas document, they do not filter or reject. */
export const jsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);
