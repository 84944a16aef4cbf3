/** Tables of the gateway feature (owned by src/features/gateway). Times are epoch ms. */
export interface RateLimitEventsTable {
  id: string;
  organization_id: string;
  user_id: string | null;
  api_key_id: string | null;
  ip: string;
  endpoint: string;
  method: string;
  limit_type: string;
  limit_value: number;
  current_usage: number;
  created_at: number;
}

export interface RateLimitOverridesTable {
  id: string;
  organization_id: string;
  subject_type: string;
  subject_value: string;
  requests_per_minute: number;
  expires_at: number;
  created_at: number;
}

export interface ApiUsageTable {
  organization_id: string;
  user_id: string | null;
  api_key_id: string | null;
  /** Route template (`/api/v1/webhooks/:id`), or `unmatched` for 404s. */
  endpoint: string;
  method: string;
  status_code: number;
  duration_us: number;
  created_at: number;
}

export interface WebhooksTable {
  id: string;
  organization_id: string;
  url: string;
  secret: string;
  /** JSON array of event names ('*' = all). */
  events: string;
  description: string | null;
  status: 'active' | 'failing';
  created_by: string;
  created_at: number;
  updated_at: number;
  last_delivery_at: number | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  organization_id: string;
  webhook_id: string | null;
  origin: string;
  event: string;
  url: string;
  secret: string | null;
  /** JSON object of extra headers. */
  headers: string;
  body: string;
  status: 'pending' | 'delivering' | 'succeeded' | 'failed';
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  /** A worker holds the delivery until then; a crashed worker's claim expires. */
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  organization_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

export interface GatewayTables {
  rate_limit_events: RateLimitEventsTable;
  rate_limit_overrides: RateLimitOverridesTable;
  api_usage: ApiUsageTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
