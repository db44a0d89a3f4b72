import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import { idColumn } from './columns.js';

// Landed migrations are never edited: a change is a new numbered file.
/**
 * Webhooks (docs/webhooks.md): endpoints per environment, the event outbox, one delivery row per (event,
 * endpoint) that is the delivery's job (status, schedule and lease live on it, as for bulk requests), and
 * one row per attempt. Events and their deliveries are written in the transaction of the change they report.
 */
export function up0008(caps: Capabilities) {
  return async (db: Kysely<any>) => {
    const id = idColumn(caps);

    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      // A JSON array of event types, or NULL for every type (also those added later).
      .addColumn('enabled_events', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('disabled_reason', 'text')
      // The signing secret itself (an HMAC key cannot be hashed and still sign); never returned after creation.
      .addColumn('secret', 'text', (c) => c.notNull())
      // After a rotation the old secret signs beside the new one until it expires.
      .addColumn('previous_secret', 'text')
      .addColumn('previous_secret_expires_at', 'bigint')
      // Set by the first failed attempt after a success (or since creation); cleared by a success.
      .addColumn('failing_since', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_endpoints_by_environment').on('webhook_endpoints').columns(['environment_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('webhook_events')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('event_type', 'text', (c) => c.notNull())
      // The `data` object of the envelope, serialized once when the event happened: what every attempt sends.
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_events_by_environment').on('webhook_events').columns(['environment_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'bigint', (c) => c.notNull().references('webhook_events.id'))
      .addColumn('endpoint_id', 'bigint', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
      // pending (due at next_attempt_at), delivering (claimed; lease until lease_expires_at), succeeded, failed.
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('claims', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    // Claims and the queue gauges scan only unfinished deliveries; the per-endpoint order check seeks by endpoint.
    await db.schema
      .createIndex('webhook_deliveries_unfinished')
      .on('webhook_deliveries')
      .columns(['endpoint_id', 'id'])
      .where(sql.ref('status'), 'in', ['pending', 'delivering'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_by_event').on('webhook_deliveries').columns(['event_id']).execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', id.type, id.build)
      .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
      .addColumn('endpoint_id', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'bigint', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('response_excerpt', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_attempts_by_endpoint').on('webhook_attempts').columns(['endpoint_id', 'created_at', 'id']).execute();

    // bulk_request.stuck fires once per stuck episode: the heartbeat it was reported for is remembered, and a
    // later heartbeat (progress again, or a takeover) starts a new episode.
    await db.schema.alterTable('bulk_requests').addColumn('stuck_reported_for', 'bigint').execute();
  };
}
