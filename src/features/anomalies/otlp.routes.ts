import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import type { IngestService } from './ingest.service';
import { otlpLogsToEvents, otlpMetricsToEvents, otlpTracesToEvents } from './otlp';

const exportResponse = z.object({ partialSuccess: z.object({ rejectedDataPoints: z.number().optional(), errorMessage: z.string().optional() }).optional() });
const exportBody = z.record(z.string(), z.unknown());

async function requireJson(request: FastifyRequest) {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new AppError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Vigil receives OTLP/HTTP in JSON encoding only: set `encoding: json` on the exporter' });
  }
}

/**
 * OTLP/HTTP JSON receivers: point an OpenTelemetry Collector's `otlphttp` exporter at `<vigil>/v1/otlp`
 * (with `encoding: json` and an X-API-Key header) and it posts to these paths unchanged.
 */
export function otlpRoutes(deps: { ingest: IngestService; ingestBodyLimit: number }) {
  const receivers = [
    ['/v1/otlp/v1/metrics', otlpMetricsToEvents, 'OTLP/HTTP JSON metrics'],
    ['/v1/otlp/v1/logs', otlpLogsToEvents, 'OTLP/HTTP JSON logs'],
    ['/v1/otlp/v1/traces', otlpTracesToEvents, 'OTLP/HTTP JSON traces'],
  ] as const;
  return (app: App) => {
    for (const [url, convert, summary] of receivers) {
      app.post(url, { bodyLimit: deps.ingestBodyLimit, preValidation: requireJson, schema: { tags: ['otlp'], summary, body: exportBody, response: { 200: exportResponse } } }, async (request) => {
        const items = convert(request.body);
        if (items.length === 0) return {};
        const events = deps.ingest.validate(items);
        await deps.ingest.ingest(principalOf(request).organizationId, events);
        return {};
      });
    }
  };
}
