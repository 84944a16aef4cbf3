/**
 * The interfaces features offer each other. A feature receives only these, never another feature's
 * repository; the composition root passes the implementations.
 */

export interface OutboundDelivery {
  organizationId: string;
  url: string;
  body: unknown;
  /** Extra headers (e.g. PagerDuty routing). */
  headers?: Record<string, string>;
  /** When set, the request is signed with Standard Webhooks headers using this secret. */
  secret?: string | null;
  /** What asked for it, for the deliveries log: 'webhook', 'alert_rule:<id>', 'playbook:<id>'. */
  origin: string;
  /** Event name recorded with the delivery. */
  event: string;
}

export interface GatewayApi {
  /** Durable, retried POST of a JSON body (the webhook outbox). Resolves once the delivery is stored. */
  enqueueDelivery(delivery: OutboundDelivery): Promise<{ id: string }>;
  /** How many active webhooks of the organization receive this event from the bus. */
  subscribedWebhooks(organizationId: string, event: string): Promise<number>;
  /** Lowers the rate limit of one client (IP, user or API key) for a while, e.g. from a playbook step. */
  tightenLimit(input: {
    organizationId: string;
    subject: { type: 'ip' | 'user' | 'api_key'; value: string };
    requestsPerMinute: number;
    durationSeconds: number;
  }): Promise<{ subject: string; requests_per_minute: number; until: string }>;
  /** Webhook outbox across organizations: deliveries waiting (pending or in flight) and given up (failed). */
  outboxStats?(): Promise<{ pending: number; failed: number }>;
}

export interface IngestedLogLine {
  source: string;
  message: string;
  level?: string | null;
  timestamp: string;
  metadata?: Record<string, unknown> | null;
  eventId?: string;
}

export interface ThreatsApi {
  /** Log events already committed by the anomaly engine's ingest, for threat detection. Never throws. */
  analyzeLogLines(organizationId: string, lines: IngestedLogLine[]): Promise<void>;
}

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
