import { z } from 'zod';
import type { App } from '../../server/types';
import { principalOf } from '../../server/auth';
import type { WsHub } from '../../server/ws-hub';

export interface HealthDeps {
  version: string;
  startedAt: number;
  gitCommit: string | null;
  checks: Record<string, () => Promise<'connected' | 'disconnected' | 'disabled'>>;
  ws: Pick<WsHub, 'stats'>;
  /** Cluster mode: this instance and the partitions of the streaming state it owns. */
  cluster?: () => { instance_id: string; partitions_total: number; partitions_owned: number[] };
}

const healthBody = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  timestamp: z.string(),
  version: z.string(),
  services: z.record(z.string(), z.string()),
  uptime: z.number(),
  cluster: z.object({ instance_id: z.string(), partitions_total: z.number(), partitions_owned: z.array(z.number()) }).optional(),
});

export function healthRoutes(deps: HealthDeps) {
  async function report() {
    const entries = await Promise.all(
      Object.entries(deps.checks).map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch {
          return [name, 'disconnected'] as const;
        }
      }),
    );
    const services = Object.fromEntries(entries);
    const status = services.database !== 'connected' ? 'unhealthy' : entries.some(([, s]) => s === 'disconnected') ? 'degraded' : 'healthy';
    return {
      status,
      timestamp: new Date().toISOString(),
      version: deps.version,
      services,
      uptime: Math.round((Date.now() - deps.startedAt) / 1000),
      ...(deps.cluster ? { cluster: deps.cluster() } : {}),
    } as const;
  }

  return (app: App) => {
    for (const url of ['/health', '/api/v1/health']) {
      app.get(url, { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Health of Vigil and its services', response: { 200: healthBody, 503: healthBody } } }, async (_request, reply) => {
        const body = await report();
        // Envelope with the fields also at the top level: ThreatCopilot's clients read /health bare.
        return reply.status(body.status === 'unhealthy' ? 503 : 200).send({ ...body, success: true, data: body } as typeof body);
      });
    }
    app.get(
      '/api/v1/version',
      {
        config: { access: 'public' },
        schema: {
          tags: ['system'],
          summary: 'Version information',
          response: { 200: z.object({ version: z.string(), build_time: z.string(), git_commit: z.string().nullable(), node_version: z.string() }) },
        },
      },
      async () => ({
        version: deps.version,
        build_time: new Date(deps.startedAt).toISOString(),
        git_commit: deps.gitCommit,
        node_version: process.version,
      }),
    );
    app.get(
      '/api/v1/ws/stats',
      { schema: { tags: ['system'], summary: 'WebSocket connections of this instance', response: { 200: z.record(z.string(), z.number()) } } },
      async (request) => deps.ws.stats(principalOf(request).organizationId),
    );
  };
}
