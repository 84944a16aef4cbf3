import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { principalOf } from '../../server/auth';
import type { App } from '../../server/types';
import { decodeContentEncoding } from './decompress';
import type { IntakeCommitter } from './intake.service';
import { lokiJsonToEvents, lokiProtobufToEvents } from './loki';
import { remoteWriteToEvents } from './remote-write';

const binaryOrObject = z
  .unknown()
  .refine((v) => Buffer.isBuffer(v) || (v !== null && typeof v === 'object' && !Array.isArray(v)), 'must be a JSON object or a protobuf body');
const committed = z.null().describe('Committed: every line or sample is stored and has gone through detection');

const contentType = (request: FastifyRequest) => String(request.headers['content-type'] ?? '').toLowerCase();

/**
 * Standard push protocols: the Loki push API (Promtail, Grafana Alloy, Fluent Bit, Vector) and Prometheus
 * remote_write 1.0. Both answer 204 once the batch is committed, 4xx naming the problem, 429/503 with
 * Retry-After under load (both clients retry those).
 */
export function intakeRoutes(deps: { commit: IntakeCommitter; bodyLimit: number }) {
  const { commit, bodyLimit } = deps;
  return (app: App) => {
    app.post(
      '/loki/api/v1/push',
      {
        bodyLimit,
        preParsing: decodeContentEncoding as never,
        config: { access: 'user', raw: true },
        schema: {
          tags: ['intake'],
          summary: 'Loki push API: JSON, or snappy-compressed protobuf (PushRequest); each line becomes a log event of its stream',
          body: binaryOrObject,
          response: { 204: committed },
        },
      },
      async (request, reply) => {
        const type = contentType(request);
        let items: unknown[];
        if (Buffer.isBuffer(request.body)) items = lokiProtobufToEvents(request.body, bodyLimit);
        else if (type.startsWith('application/json')) items = lokiJsonToEvents(request.body);
        else throw new AppError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Loki push takes application/json or application/x-protobuf (snappy)' });
        await commit(principalOf(request).organizationId, items, 'loki');
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v1/write',
      {
        bodyLimit,
        config: { raw: true },
        schema: {
          tags: ['intake'],
          summary: 'Prometheus remote_write 1.0 (snappy-compressed protobuf WriteRequest); each sample becomes a metric event of its series',
          body: binaryOrObject,
          response: { 204: committed },
        },
      },
      async (request, reply) => {
        const type = contentType(request);
        if (type.includes('io.prometheus.write.v2')) {
          throw new AppError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Remote write 2.0 is not supported: set protobuf_message: prometheus.WriteRequest (1.0) in remote_write' });
        }
        if (!Buffer.isBuffer(request.body)) {
          throw new AppError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'remote_write takes Content-Type: application/x-protobuf with a snappy-compressed WriteRequest' });
        }
        const encoding = String(request.headers['content-encoding'] ?? 'snappy').toLowerCase();
        if (encoding !== 'snappy') throw new AppError({ code: 'UNSUPPORTED_MEDIA_TYPE', message: `remote_write bodies are snappy-compressed; Content-Encoding '${encoding}' is not supported` });
        const { events } = remoteWriteToEvents(request.body, bodyLimit);
        await commit(principalOf(request).organizationId, events, 'remote_write');
        return reply.status(204).send(null);
      },
    );
  };
}
