/** The anomaly engine's ingest as other features (intakes, metrics) see it. */

/** Admission and observation around every ingest batch, whichever intake it came through (given by the intake feature). */
export interface IngestHooks {
  /** Takes a slot for one batch, or throws 503 SERVICE_UNAVAILABLE with Retry-After when too many batches wait. Call the returned release once done. */
  admit(): () => void;
  /** A batch was committed: `intake` names the door (api, otlp, loki, remote_write, syslog, ndjson). */
  observe(intake: string, types: string[], durationMs: number, anomalies: number): void;
}

/** The anomaly engine's ingest as other features see it: validate then commit (and detect) a batch. */
export interface IngestApi<E = unknown> {
  /** Checks every item; throws VALIDATION_ERROR naming each problem. */
  validate(items: unknown[]): E[];
  /** Stores the batch in one commit, runs the detectors and hands log lines to the threat engine; resolves after commit. */
  ingest(organizationId: string, events: E[], intake?: string): Promise<{ anomalies: unknown[] }>;
}
