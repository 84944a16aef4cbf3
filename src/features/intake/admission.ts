import type { IngestHooks } from '../anomalies/anomalies.api';
import { AppError } from '../../lib/errors';
import type { MetricsApi } from '../metrics/metrics.api';

/**
 * Bounds the ingest batches admitted at once (the detectors run one batch at a time, so the rest wait in
 * memory). Past the bound a batch is refused with 503 and Retry-After, which every shipper retries, instead of
 * piling up until the process runs out of memory or the shipper's own timeout fires.
 */
export function createIngestAdmission(deps: { maxPending: number; metrics: Pick<MetricsApi, 'observeIngest' | 'ingestOverloaded'> }): IngestHooks & { pending(): number } {
  let pending = 0;
  return {
    admit() {
      if (pending >= deps.maxPending) {
        deps.metrics.ingestOverloaded();
        throw new AppError({
          code: 'SERVICE_UNAVAILABLE',
          message: `Ingest is overloaded (${pending} batches waiting); retry after a second`,
          headers: { 'retry-after': '1' },
          extra: { retry_after: 1 },
        });
      }
      pending++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        pending--;
      };
    },
    observe(intake, types, durationMs) {
      deps.metrics.observeIngest(intake, types, durationMs);
    },
    pending: () => pending,
  };
}
