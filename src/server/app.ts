import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from '../lib/logger';
import { newId } from '../lib/ids';
import { installBodyParsers } from './body-parsers';
import { installErrorHandling } from './error-handler';
import { installEnvelope, jsonSerializerCompiler } from './envelope';
import { installResponseValidation } from './response-validation';
import type { App } from './types';

export interface ServerOptions {
  logger: Logger;
  bodyLimitBytes: number;
  trustProxy: boolean;
  version: string;
  /** Check every JSON answer against its route's response schema (development and tests). */
  validateResponses?: boolean;
  /** Most bytes of an oversized body read and discarded so that its 413 arrives (VIGIL_OVERSIZED_DRAIN_BYTES). */
  oversizedDrainBytes?: number;
}

/** The HTTP edge: parsers, envelope, errors, OpenAPI and WebSocket support. It never listens by itself. */
export async function createServer(options: ServerOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : newId();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  installBodyParsers(app);
  installErrorHandling(app, { oversizedDrainBytes: options.oversizedDrainBytes });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: options.version,
        description: 'Anomalies, attacks and infrastructure drift behind one secured API. `/api/v1` answers an envelope; `/v1` bare JSON.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearerAuth: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { config: { access: 'public', raw: true }, schema: { hide: true } }, async () => app.swagger());
  installEnvelope(app);
  if (options.validateResponses) installResponseValidation(app);
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  return app;
}
