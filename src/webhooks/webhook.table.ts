import type { Generated } from 'kysely';

/** A URL of one environment that receives signed events (docs/webhooks.md). */
export interface WebhookEndpointTable {
  id: Generated<number>;
  environment_id: number;
  url: string;
  description: string | null;
  /** JSON array of event types; null means every type. */
  enabled_events: string | null;
  disabled: number;
  disabled_reason: string | null;
  /** `whsec_...`; shown once at creation, never returned again, never logged. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

/** The outbox: one row per event, written in the transaction of the change it reports. */
export interface WebhookEventTable {
  id: Generated<number>;
  environment_id: number;
  event_type: string;
  /** The envelope's `data`, serialized as the API returns the object. */
  data: string;
  created_at: number;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed';

/** One event to one endpoint. The row is the delivery's job: schedule, attempts and lease live here. */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  environment_id: number;
  event_id: number;
  endpoint_id: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** Fencing token: incremented by every claim; an attempt's outcome is recorded only while it is still the claimer's. */
  claims: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  completed_at: number | null;
}

/** One HTTP attempt of a delivery, as GET /v1/webhook_endpoints/{id}/deliveries shows it. */
export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: number;
  endpoint_id: number;
  event_id: number;
  attempt: number;
  url: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  /** The first 4 KiB of the response body. */
  response_excerpt: string | null;
  created_at: number;
}
