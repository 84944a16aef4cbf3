import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { isAppError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import type { MetricsApi } from '../../metrics/metrics.api';
import type { IntakeCommitter } from '../intake.service';
import { createFrameDecoder } from './framing';
import { parseSyslogHeader } from './header';

export interface SyslogOptions {
  host: string;
  udpPort?: number;
  tcpPort?: number;
  tlsPort?: number;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Longest frame kept (bytes); longer frames are dropped and counted. */
  maxFrameBytes: number;
  /** Frames waiting for a commit; past it TCP/TLS senders are paused and UDP datagrams are dropped (and counted). */
  maxQueued: number;
}

type Transport = 'udp' | 'tcp' | 'tls';
interface Frame { text: string; remote: string; receivedAt: number }

const BATCH = 1_000;
const LINGER_MS = 20;

/** At most one warning per interval, with the number of occurrences it stands for. */
function throttledWarn(logger: Logger, intervalMs: number) {
  let last = -Infinity;
  let suppressed = 0;
  return (fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn({ ...fields, suppressed }, message);
    last = now;
    suppressed = 0;
  };
}

/**
 * Syslog listeners (UDP, TCP, TLS; RFC 3164 and RFC 5424; LF and octet-counting framing), all feeding one
 * organization. Frames are committed in batches as log events, which hands them to the threat pipeline. Under
 * load, stream senders are paused (TCP back-pressure, nothing lost) and UDP datagrams beyond the queue are
 * dropped, counted in /metrics and logged at a bounded rate.
 */
export function createSyslogListeners(deps: {
  options: SyslogOptions;
  organizationId: () => Promise<string>;
  commit: IntakeCommitter;
  metrics: Pick<MetricsApi, 'syslogFrames'>;
  logger: Logger;
  now: () => number;
}) {
  const { options, metrics, logger } = deps;
  const warnDrop = throttledWarn(logger, 10_000);
  const queue: Frame[] = [];
  const streams = new Set<net.Socket>();
  let paused = false;
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let udp: dgram.Socket | null = null;
  let tcp: net.Server | null = null;
  let tlsServer: tls.Server | null = null;

  function toEvent(frame: Frame) {
    const header = parseSyslogHeader(frame.text);
    return {
      type: 'log',
      source: (header.host ?? frame.remote).slice(0, 200),
      level: header.level,
      message: frame.text.length > 10_000 ? frame.text.slice(0, 10_000) : frame.text,
      timestamp: header.timestamp ?? frame.receivedAt,
      metadata: { intake: 'syslog', remote_address: frame.remote },
    };
  }

  function schedule() {
    if (flushing || timer || queue.length === 0) return;
    if (queue.length >= BATCH) flushing = flush();
    else timer = setTimeout(() => ((timer = null), (flushing ??= flush())), LINGER_MS);
  }

  async function flush(): Promise<void> {
    try {
      const organizationId = await deps.organizationId();
      while (queue.length > 0) {
        const batch = queue.slice(0, BATCH);
        try {
          await deps.commit(organizationId, batch.map(toEvent), 'syslog');
          queue.splice(0, batch.length);
        } catch (error) {
          if (isAppError(error) && error.status === 503 && !closed) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            continue; // overloaded: keep the frames and retry, the senders stay paused meanwhile
          }
          queue.splice(0, batch.length);
          metrics.syslogFrames('all', 'dropped_failed', batch.length);
          warnDrop({ err: error, frames: batch.length }, 'syslog: a batch could not be stored and was dropped');
        }
        resumeIfDrained();
      }
    } catch (error) {
      warnDrop({ err: error }, 'syslog: the organization of the listener could not be resolved');
      metrics.syslogFrames('all', 'dropped_failed', queue.length);
      queue.length = 0;
    } finally {
      flushing = null;
      resumeIfDrained();
      schedule();
    }
  }

  function resumeIfDrained() {
    if (paused && queue.length < options.maxQueued / 2) {
      paused = false;
      for (const socket of streams) socket.resume();
    }
  }

  function accept(transport: Transport, text: string, remote: string) {
    // Stream frames already read are kept (the sender is paused below); only datagrams can be refused.
    if (transport === 'udp' && queue.length >= options.maxQueued) {
      metrics.syslogFrames(transport, 'dropped_overload');
      warnDrop({ transport, queued: queue.length }, 'syslog: queue full, frame dropped');
      return;
    }
    metrics.syslogFrames(transport, 'accepted');
    queue.push({ text, remote, receivedAt: deps.now() });
    if (queue.length >= options.maxQueued && !paused) {
      paused = true;
      for (const socket of streams) socket.pause();
    }
    schedule();
  }

  function onStream(transport: Transport) {
    return (socket: net.Socket) => {
      streams.add(socket);
      if (paused) socket.pause();
      const remote = socket.remoteAddress ?? 'unknown';
      const decoder = createFrameDecoder(options.maxFrameBytes, {
        frame: (text) => accept(transport, text, remote),
        oversize: () => {
          metrics.syslogFrames(transport, 'dropped_oversize');
          warnDrop({ transport, remote, max_bytes: options.maxFrameBytes }, 'syslog: frame longer than the limit dropped');
        },
      });
      socket.on('data', (chunk: Buffer) => decoder.push(chunk));
      socket.on('end', () => decoder.end());
      socket.on('error', () => undefined);
      socket.on('close', () => streams.delete(socket));
      socket.setTimeout(10 * 60_000, () => socket.destroy());
    };
  }

  const listen = (server: net.Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => resolve());
    });

  return {
    async start() {
      if (options.udpPort !== undefined) {
        udp = dgram.createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
        udp.on('message', (message, rinfo) => {
          if (message.length > options.maxFrameBytes) {
            metrics.syslogFrames('udp', 'dropped_oversize');
            return;
          }
          const text = message.toString('utf8').replace(/[\r\n\0]+$/, '');
          if (text) accept('udp', text, rinfo.address);
        });
        udp.on('error', (error) => logger.warn({ err: error }, 'syslog: UDP socket error'));
        await new Promise<void>((resolve, reject) => {
          udp!.once('error', reject);
          udp!.bind(options.udpPort, options.host, () => resolve());
        });
      }
      if (options.tcpPort !== undefined) {
        tcp = net.createServer(onStream('tcp'));
        await listen(tcp, options.tcpPort);
      }
      if (options.tlsPort !== undefined && options.tlsCertFile && options.tlsKeyFile) {
        tlsServer = tls.createServer({ cert: fs.readFileSync(options.tlsCertFile), key: fs.readFileSync(options.tlsKeyFile) }, onStream('tls'));
        await listen(tlsServer, options.tlsPort);
      }
      const bound = this.addresses();
      if (Object.keys(bound).length > 0) logger.info({ ...bound }, 'syslog: listening');
    },
    /** Bound ports (tests listen on port 0). */
    addresses(): Partial<Record<Transport, number>> {
      const out: Partial<Record<Transport, number>> = {};
      if (udp) out.udp = udp.address().port;
      if (tcp?.address()) out.tcp = (tcp.address() as AddressInfo).port;
      if (tlsServer?.address()) out.tls = (tlsServer.address() as AddressInfo).port;
      return out;
    },
    /** Frames received and not yet committed. */
    queued: () => queue.length,
    /** Resolves once every frame received so far is committed (tests, shutdown). */
    async drain() {
      for (;;) {
        if (timer) {
          clearTimeout(timer);
          timer = null;
        }
        if (!flushing && queue.length > 0) flushing = flush();
        if (!flushing) return;
        await flushing;
      }
    },
    async stop() {
      closed = true;
      udp?.close();
      const servers = [tcp, tlsServer].filter((s): s is net.Server => s !== null);
      for (const socket of streams) socket.destroy();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await this.drain();
    },
  };
}

export type SyslogListeners = ReturnType<typeof createSyslogListeners>;
