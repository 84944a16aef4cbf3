import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import type { IngestService } from './ingest.service';
import { otlpLogsToEvents, otlpMetricsToEvents, otlpTracesToEvents } from './otlp';

const partialSuccess = z.object({
  rejectedDataPoints: z.number().optional(), rejectedLogRecords: z.number().optional(), rejectedSpans: z.number().optional(), errorMessage: z.string().optional(),
});
const exportResponse = z.object({ partialSuccess: partialSuccess.optional() });
/** An Export*ServiceRequest: a JSON object, or protobuf bytes (read as a Buffer by the body parser). */
const exportBody = z.unknown().refine((v) => Buffer.isBuffer(v) || (v !== null && typeof v === 'object' && !Array.isArray(v)), 'must be an OTLP Export*ServiceRequest object');

type Signal = 'metrics' | 'logs' | 'traces';
/** OTLP/HTTP protobuf support (given by the intake feature): decode a body, encode a response, gunzip bodies. */
export interface OtlpCodec {
  decode(signal: Signal, body: Buffer): Record<string, unknown>;
  encodeResponse(signal: Signal, rejected: number, errorMessage: string | null): Buffer;
  preParsing(request: FastifyRequest, reply: unknown, payload: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream>;
}
type OtlpIngest = Pick<IngestService, 'validate'> & { ingest(organizationId: string, events: ReturnType<IngestService['validate']>, intake?: string): Promise<unknown> };

const REJECTED_FIELD = { metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords', traces: 'rejectedSpans' } as const;

function requireSupportedType(protobuf: boolean) {
  return async (request: FastifyRequest) => {
    const type = String(request.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('application/json')) return;
    if (protobuf && (type.startsWith('application/x-protobuf') || type.startsWith('application/protobuf'))) return;
    throw new AppError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: protobuf ? 'OTLP/HTTP takes application/x-protobuf or application/json' : 'Vigil receives OTLP/HTTP in JSON encoding only: set `encoding: json` on the exporter',
    });
  };
}

/**
 * OTLP/HTTP receivers: point an OpenTelemetry Collector's `otlphttp` exporter at `<vigil>/v1/otlp` (with an
 * X-API-Key header) and it posts to these paths unchanged, in protobuf (the default) or JSON. Items that fail
 * validation are rejected one by one and reported as a partial success, as the OTLP specification defines.
 */
export function otlpRoutes(deps: { ingest: OtlpIngest; ingestBodyLimit: number; codec?: OtlpCodec }) {
  const receivers = [
    ['metrics', otlpMetricsToEvents, 'OTLP/HTTP metrics'],
    ['logs', otlpLogsToEvents, 'OTLP/HTTP logs'],
    ['traces', otlpTracesToEvents, 'OTLP/HTTP traces'],
  ] as const;
  const codec = deps.codec;
  return (app: App) => {
    for (const [signal, convert, summary] of receivers) {
      const options = {
        bodyLimit: deps.ingestBodyLimit,
        preValidation: requireSupportedType(Boolean(codec)),
        ...(codec ? { preParsing: codec.preParsing as never } : {}),
        schema: { tags: ['otlp'], summary, body: exportBody, response: { 200: exportResponse } },
      };
      app.post(`/v1/otlp/v1/${signal}`, options, async (request, reply) => {
        const binary = Buffer.isBuffer(request.body);
        const items = convert(binary ? codec!.decode(signal, request.body as Buffer) : request.body);
        const accepted: ReturnType<IngestService['validate']> = [];
        let firstProblem: string | null = null;
        for (const item of items) {
          try {
            accepted.push(...deps.ingest.validate([item]));
          } catch (error) {
            firstProblem ??= error instanceof AppError ? error.message.replace(/events\.0\./g, '') : 'invalid item';
          }
        }
        if (accepted.length > 0) await deps.ingest.ingest(principalOf(request).organizationId, accepted, 'otlp');
        const rejected = items.length - accepted.length;
        if (binary) return reply.type('application/x-protobuf').send(codec!.encodeResponse(signal, rejected, firstProblem) as never);
        return rejected > 0 ? { partialSuccess: { [REJECTED_FIELD[signal]]: rejected, errorMessage: firstProblem ?? '' } } : {};
      });
    }
  };
}
