/** What the gateway offers other features: the durable webhook outbox and per-client limits. */

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
