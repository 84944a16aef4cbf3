import type { IngestApi } from '../anomalies/anomalies.api';
import type { Clock } from '../../lib/clock';
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import type { App } from '../../server/types';
import type { MetricsApi } from '../metrics/metrics.api';
import { intakeRoutes } from './intake.routes';
import { createIntakeCommitter } from './intake.service';
import { createSyslogListeners } from './syslog/listener';

export interface IntakeDeps {
  config: Pick<
    Config,
    | 'ingestBodyLimitBytes' | 'syslogHost' | 'syslogUdpPort' | 'syslogTcpPort' | 'syslogTlsPort' | 'syslogTlsCert' | 'syslogTlsKey'
    | 'syslogOrganization' | 'syslogMaxFrameBytes' | 'syslogMaxQueued'
  >;
  ingest: IngestApi;
  metrics: Pick<MetricsApi, 'syslogFrames'>;
  /** The organization syslog feeds when VIGIL_SYSLOG_ORGANIZATION is not set. */
  defaultOrganizationId: () => Promise<string>;
  clock: Clock;
  logger: Logger;
}

/**
 * Standard intake: the Loki push API, Prometheus remote_write and syslog listeners, all committing through the
 * anomaly engine's ingest (OTLP protobuf and NDJSON are decoded where those routes live).
 */
export function createIntakeModule(deps: IntakeDeps) {
  const { config } = deps;
  const commit = createIntakeCommitter(deps.ingest);
  const tlsPort = config.syslogTlsCert ? (config.syslogTlsPort ?? 6514) : undefined;
  const syslog = createSyslogListeners({
    options: {
      host: config.syslogHost,
      udpPort: config.syslogUdpPort,
      tcpPort: config.syslogTcpPort,
      tlsPort,
      tlsCertFile: config.syslogTlsCert,
      tlsKeyFile: config.syslogTlsKey,
      maxFrameBytes: config.syslogMaxFrameBytes,
      maxQueued: config.syslogMaxQueued,
    },
    organizationId: async () => config.syslogOrganization ?? (await deps.defaultOrganizationId()),
    commit,
    metrics: deps.metrics,
    logger: deps.logger,
    now: () => deps.clock.now(),
  });
  return {
    routes: (app: App) => intakeRoutes({ commit, bodyLimit: config.ingestBodyLimitBytes })(app),
    /** Syslog listens whether or not background jobs run: it is an intake, not a timer. */
    start: () => syslog.start(),
    stop: () => syslog.stop(),
    api: { syslog },
  };
}

export type IntakeModule = ReturnType<typeof createIntakeModule>;
