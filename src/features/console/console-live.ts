import type { ServerResponse } from 'node:http';
import type { EventBus } from '../../events/bus';
import type { EventName } from '../../events/catalogue';
import type { App } from '../../server/types';
import type { ConsoleContext } from './console-context';
import { CONTENT_SECURITY_POLICY } from './console-http';

/** Bus events that change what the inbox shows. */
export const LIVE_EVENTS: EventName[] = [
  'anomaly.detected', 'anomaly.acknowledged', 'anomaly.resolved',
  'threat.detected', 'threat.status_changed', 'threat.mitigated',
  'drift.detected', 'drift.scan_completed',
  'playbook.approval_required', 'playbook.completed', 'playbook.rejected',
];

/**
 * Server-sent events for the console: one stream per open page, fed by the event bus (cluster scope, so with
 * Redis a finding stored by another instance reaches this page too) and limited to the viewer's organization.
 * The page only learns "something changed" and re-fetches its rows through its session.
 */
export function consoleLiveRoutes(deps: { bus: Pick<EventBus, 'subscribe'>; heartbeatMs: number }, console: ConsoleContext) {
  const streams = new Set<ServerResponse>();
  return {
    streams,
    routes: (app: App) => {
      app.addHook('preClose', async () => {
        for (const stream of streams) stream.end();
        streams.clear();
      });
      app.get('/console/events', { config: { access: 'public', raw: true }, schema: { hide: true } }, async (request, reply) => {
        const session = await console.requireSession(request, reply);
        if (!session) return reply;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
        });
        res.write('retry: 3000\n\n');
        streams.add(res);
        const unsubscribe = deps.bus.subscribe(
          LIVE_EVENTS,
          (event) => {
            if (event.organizationId !== session.user.organizationId) return;
            res.write(`event: finding\ndata: ${JSON.stringify({ type: event.type, id: event.id })}\n\n`);
          },
          { scope: 'cluster' },
        );
        const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.heartbeatMs);
        heartbeat.unref();
        const close = () => {
          clearInterval(heartbeat);
          unsubscribe();
          streams.delete(res);
        };
        res.on('close', close);
        request.raw.on('close', close);
      });
    },
  };
}
