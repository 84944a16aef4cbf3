import type { WebSocket } from 'ws';
import type { FastifyRequest } from 'fastify';
import type { EventBus } from '../events/bus';
import type { EventName, VigilEvent } from '../events/catalogue';
import type { Logger } from '../lib/logger';
import type { Authenticator } from './auth';
import type { App, Principal } from './types';

export type WsChannel = 'drift' | 'threats';

interface Client {
  socket: WebSocket;
  channel: WsChannel;
  principal: Principal | null;
}

export interface WsMessage {
  type: string;
  data: unknown;
  timestamp?: string;
}

/** Turns a bus event into the message a channel's clients receive (null: not for this channel). */
export type WsMapper = (event: VigilEvent) => WsMessage | WsMessage[] | null;

const WELCOME: Record<WsChannel, string> = {
  drift: 'Connected to Vigil WebSocket (drift)',
  threats: 'Connected to Vigil WebSocket (threats)',
};

/**
 * The WebSocket hub behind `/ws` (DriftMgr) and `/ws/threats` (ThreatCopilot). Features register mappers
 * from bus events to channel messages; the hub listens to the bus at cluster scope, so a client connected to
 * any instance gets the events of its own organization, whichever instance published them.
 */
export function createWsHub(deps: { bus: EventBus; logger: Logger; heartbeatSeconds: number; authenticator: Authenticator }) {
  const clients = new Set<Client>();
  const mappers = new Map<EventName, { channel: WsChannel; map: WsMapper }[]>();
  let heartbeat: NodeJS.Timeout | null = null;

  const send = (client: Client, message: WsMessage) => {
    if (client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(JSON.stringify({ ...message, timestamp: message.timestamp ?? new Date().toISOString() }));
  };

  const unsubscribe = deps.bus.subscribe(
    '*',
    (event) => {
      const entries = mappers.get(event.type);
      if (!entries) return;
      for (const { channel, map } of entries) {
        const mapped = map(event);
        if (!mapped) continue;
        const messages = Array.isArray(mapped) ? mapped : [mapped];
        for (const client of clients) {
          if (client.channel !== channel || client.principal?.organizationId !== event.organizationId) continue;
          for (const message of messages) send(client, message);
        }
      }
    },
    { scope: 'cluster' },
  );

  function rolesOf(principal: Principal | null) {
    return principal ? [principal.role] : [];
  }

  function welcome(client: Client) {
    send(client, {
      type: 'connection_established',
      data: {
        message: WELCOME[client.channel],
        user_id: client.principal?.userId ?? null,
        roles: rolesOf(client.principal),
        authenticated: client.principal !== null,
      },
    });
  }

  function refuse(client: Client, message: string) {
    send(client, { type: 'error', data: { code: 'AUTHENTICATION_REQUIRED', message } });
    client.socket.close(4401, 'invalid credentials');
  }

  async function onConnection(socket: WebSocket, request: FastifyRequest, channel: WsChannel) {
    const client: Client = { socket, channel, principal: request.principal };
    const queryToken = (request.query as Record<string, string | undefined>)?.token;
    if (request.authFailure) return refuse(client, request.authFailure.message);
    if (!client.principal && queryToken) {
      try {
        client.principal = await deps.authenticator.verifyCredential(queryToken);
      } catch {
        return refuse(client, 'Invalid or expired token');
      }
    }
    clients.add(client);
    socket.on('close', () => clients.delete(client));
    socket.on('error', () => clients.delete(client));
    socket.on('message', (raw) => void onMessage(client, raw.toString()));
    welcome(client);
  }

  async function onMessage(client: Client, raw: string) {
    let message: { type?: unknown; token?: unknown };
    try {
      message = JSON.parse(raw);
    } catch {
      return send(client, { type: 'error', data: { code: 'INVALID_JSON', message: 'Messages must be JSON' } });
    }
    if (message.type === 'ping') return send(client, { type: 'pong', data: {} });
    if (message.type === 'auth') {
      if (typeof message.token !== 'string' || message.token.length === 0) return refuse(client, 'auth message needs a token');
      try {
        client.principal = await deps.authenticator.verifyCredential(message.token);
      } catch {
        client.principal = null;
        return refuse(client, 'Invalid or expired token');
      }
      send(client, {
        type: 'auth_success',
        data: { user_id: client.principal.userId, roles: rolesOf(client.principal) },
      });
      return welcome(client);
    }
    send(client, { type: 'error', data: { code: 'UNKNOWN_MESSAGE', message: `Unknown message type ${String(message.type)}` } });
  }

  return {
    register(app: App) {
      app.get('/ws', { websocket: true, config: { access: 'public' }, schema: { hide: true } }, (socket, request) =>
        onConnection(socket, request, 'drift'),
      );
      app.get('/ws/threats', { websocket: true, config: { access: 'public' }, schema: { hide: true } }, (socket, request) =>
        onConnection(socket, request, 'threats'),
      );
    },
    /** Forward bus events of `type` to `channel` clients of the event's organization. */
    map(type: EventName, channel: WsChannel, mapper: WsMapper) {
      const list = mappers.get(type) ?? [];
      list.push({ channel, map: mapper });
      mappers.set(type, list);
    },
    start() {
      heartbeat = setInterval(() => {
        const now = new Date();
        for (const client of clients) {
          send(client, { type: 'heartbeat', data: { timestamp: Math.floor(now.getTime() / 1000), server_time: now.toISOString() } });
        }
      }, deps.heartbeatSeconds * 1000);
      heartbeat.unref();
    },
    stats(organizationId: string) {
      let anonymous = 0;
      let users = 0;
      let admins = 0;
      const distinct = new Set<string>();
      for (const client of clients) {
        if (!client.principal) anonymous++;
        else if (client.principal.organizationId === organizationId) {
          distinct.add(client.principal.userId);
          if (client.principal.role === 'admin') admins++;
          else users++;
        }
      }
      return {
        total_connections: anonymous + users + admins,
        authenticated_users: distinct.size,
        anonymous_connections: anonymous,
        user_connections: users,
        admin_connections: admins,
      };
    },
    async close() {
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe();
      for (const client of clients) client.socket.close(1001, 'server shutting down');
      clients.clear();
    },
  };
}

export type WsHub = ReturnType<typeof createWsHub>;
