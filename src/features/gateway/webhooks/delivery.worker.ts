import type { Clock } from '../../../lib/clock';
import type { OutboundGuard } from '../../../lib/net/outbound-guard';
import { newId } from '../../../lib/ids';
import type { Logger } from '../../../lib/logger';
import { retryDelayMs } from './backoff';
import { postJson, type SendResult } from './sender';
import { signedHeaders } from './signing';
import { openNullable, type SecretBox } from '../../../lib/secret-box';
import type { DeliveryRow, WebhooksRepository } from './webhooks.repository';
import { fromJson } from '../../../db/columns';

export interface DeliveryWorkerDeps {
  secrets: SecretBox;
  repo: WebhooksRepository;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  /** The outbound guard every delivery goes through (VIGIL_OUTBOUND_ALLOW). */
  guard: OutboundGuard;
  background: boolean;
  /** Deliveries sent at once per pass. */
  concurrency?: number;
  pollMs?: number;
}

export interface ProcessSummary {
  claimed: number;
  succeeded: number;
  retrying: number;
  failed: number;
}

/**
 * Drains the outbox: claims due deliveries (one instance wins each), sends them, and either completes them or
 * schedules the next attempt with backoff; after the last attempt the delivery fails and its webhook is marked
 * failing. A crashed worker's claim expires after the attempt deadline, so the delivery is picked up again.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { repo, clock, logger } = deps;
  const concurrency = deps.concurrency ?? 8;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<ProcessSummary> | null = null;
  let again = false;
  let stopped = false;

  async function attempt(row: DeliveryRow, now: number, summary: ProcessSummary) {
    const sentAt = clock.now();
    let result: SendResult;
    try {
      const headers = { ...fromJson<Record<string, string>>(row.headers, {}), ...signedHeaders(openNullable(deps.secrets, row.secret), row.id, Math.floor(sentAt / 1000), row.body) };
      result = await postJson({ url: row.url, body: row.body, headers, timeoutMs: deps.timeoutMs, guard: deps.guard });
    } catch (error) {
      result = { statusCode: null, error: error instanceof Error ? error.message : 'send failed', durationMs: 0 };
    }
    const attemptNo = Number(row.attempts) + 1;
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const error = ok ? null : (result.error ?? `receiver answered ${result.statusCode}`);
    const exhausted = !ok && attemptNo >= Number(row.max_attempts);
    const finishedAt = Math.max(now, clock.now());
    await repo.finishAttempt(
      row.id,
      {
        status: ok ? 'succeeded' : exhausted ? 'failed' : 'pending',
        next_attempt_at: ok || exhausted ? Number(row.next_attempt_at) : finishedAt + retryDelayMs(attemptNo),
        last_status_code: result.statusCode,
        last_error: error,
        updated_at: finishedAt,
        completed_at: ok || exhausted ? finishedAt : null,
      },
      { id: newId(), delivery_id: row.id, organization_id: row.organization_id, attempt: attemptNo, status_code: result.statusCode, error, duration_ms: result.durationMs, created_at: finishedAt },
    );
    if (ok) summary.succeeded++;
    else if (exhausted) summary.failed++;
    else summary.retrying++;
    if (row.webhook_id && (ok || exhausted)) await repo.setWebhookStatus(row.webhook_id, ok ? 'active' : 'failing', finishedAt, ok);
    if (exhausted) logger.warn({ delivery: row.id, webhook: row.webhook_id, error }, 'webhook delivery failed after its last attempt');
  }

  async function processDue(now = clock.now()): Promise<ProcessSummary> {
    const summary: ProcessSummary = { claimed: 0, succeeded: 0, retrying: 0, failed: 0 };
    const due = await repo.dueDeliveries(now, 100);
    const leaseUntil = now + deps.timeoutMs + 30_000;
    let index = 0;
    const lane = async () => {
      while (index < due.length) {
        const row = due[index++]!;
        if (!(await repo.claim(row, now, leaseUntil))) continue;
        summary.claimed++;
        try {
          await attempt(row, now, summary);
        } catch (error) {
          logger.error({ err: error, delivery: row.id }, 'webhook delivery bookkeeping failed; the lease will expire and it will be retried');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, lane));
    return summary;
  }

  /** One pass at a time; a kick during a pass schedules another right after it. */
  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = processDue()
      .catch((error) => {
        logger.warn({ err: error }, 'webhook worker pass failed');
        return { claimed: 0, succeeded: 0, retrying: 0, failed: 0 };
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          setImmediate(tick);
        }
      });
  }

  return {
    processDue,
    /** Called after an enqueue so that deliveries go out without waiting for the next poll. */
    kick() {
      if (timer) tick();
    },
    start() {
      if (!deps.background) return;
      stopped = false;
      timer = setInterval(tick, deps.pollMs ?? 1_000);
      timer.unref();
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running;
    },
  };
}
