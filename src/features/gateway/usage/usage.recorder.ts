import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import type { App } from '../../../server/types';
import type { UsageRepository, UsageRow } from './usage.repository';

const MAX_BUFFERED = 200_000;

/**
 * Records every request from onResponse into memory and writes them in batches, so recording never waits on
 * the database. `flush()` runs on a timer (background jobs), before analytics queries, and on shutdown.
 */
export function createUsageRecorder(deps: { repo: UsageRepository; clock: Clock; logger: Logger; flushMs: number; background: boolean; defaultOrganizationId: () => Promise<string> }) {
  const { repo, clock, logger } = deps;
  let buffer: UsageRow[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  let defaultOrg: string | null = null;

  function record(row: UsageRow) {
    if (buffer.length >= MAX_BUFFERED) {
      dropped++;
      return;
    }
    buffer.push(row);
  }

  async function writeBuffered() {
    if (dropped > 0) {
      logger.warn({ dropped }, 'usage: buffer was full (database too slow); some request records were dropped');
      dropped = 0;
    }
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    try {
      await repo.insertMany(batch);
    } catch (error) {
      logger.warn({ err: error, count: batch.length }, 'usage: could not store request records; will retry');
      buffer = batch.concat(buffer).slice(0, MAX_BUFFERED);
      throw error;
    }
  }

  /** Flushes are serialized so that a flush resolves only after everything buffered before it is stored. */
  function flush(): Promise<void> {
    const run = flushing.catch(() => undefined).then(writeBuffered);
    flushing = run;
    return run;
  }

  return {
    record,
    flush,
    pending: () => buffer.length,
    install(app: App) {
      app.addHook('onResponse', async (request, reply) => {
        const principal = request.principal;
        const organizationId = principal?.organizationId ?? (defaultOrg ??= await deps.defaultOrganizationId());
        record({
          organization_id: organizationId,
          user_id: principal?.userId ?? null,
          api_key_id: principal?.apiKeyId ?? null,
          endpoint: (request.routeOptions.url ?? 'unmatched').slice(0, 300),
          method: request.method,
          status_code: reply.statusCode,
          duration_us: Math.max(0, Math.round(reply.elapsedTime * 1000)),
          created_at: clock.now(),
        });
      });
    },
    start() {
      if (!deps.background) return;
      timer = setInterval(() => void flush().catch(() => undefined), deps.flushMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await flush().catch(() => undefined);
      if (buffer.length > 0) await flush().catch((error) => logger.error({ err: error, lost: buffer.length }, 'usage: records lost at shutdown'));
    },
  };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
