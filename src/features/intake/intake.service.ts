import type { IngestApi } from '../anomalies/anomalies.api';
import { chunks } from './intake.logic';

/** Events per ingest commit: large pushes are split so one transaction stays short. */
export const COMMIT_BATCH = 5_000;

/**
 * Validates every item of a push first (a 400 then means nothing was stored), then commits it in batches
 * through the anomaly engine's ingest (detection, storage, threat pipeline for log lines). Resolves after the
 * last commit: only then may the intake answer 2xx.
 */
export function createIntakeCommitter(ingest: IngestApi) {
  return async function commit(organizationId: string, items: unknown[], intake: string): Promise<{ accepted: number }> {
    if (items.length === 0) return { accepted: 0 };
    const batches = chunks(items, COMMIT_BATCH).map((batch, n) => {
      try {
        return ingest.validate(batch);
      } catch (error) {
        if (n > 0 && error instanceof Error) error.message = error.message.replace(/events\.(\d+)/g, (_m, i: string) => `events.${Number(i) + n * COMMIT_BATCH}`);
        throw error;
      }
    });
    for (const events of batches) await ingest.ingest(organizationId, events, intake);
    return { accepted: items.length };
  };
}

export type IntakeCommitter = ReturnType<typeof createIntakeCommitter>;
