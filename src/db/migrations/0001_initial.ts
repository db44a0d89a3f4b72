import { sql, type Kysely } from 'kysely';
import type { Capabilities } from '../capabilities.js';
import { idColumn } from './columns.js';

// Landed migrations are never edited: a change is a new numbered file.
export function up0001(caps: Capabilities) {
  return async (db: Kysely<any>) => {
    const id = idColumn(caps);

    await db.schema
      .createTable('environments')
      .addColumn('id', id.type, id.build)
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('key_prefix', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('data_streams')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('data_streams_env_key', ['environment_id', 'key'])
      .execute();
    await db.schema.createIndex('data_streams_env_created').on('data_streams').columns(['environment_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('property_definitions')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('data_stream_id', 'bigint', (c) => c.notNull().references('data_streams.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('optional', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('property_definitions_stream_key', ['data_stream_id', 'key'])
      .execute();

    await db.schema
      .createTable('bulk_requests')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('on_conflict', 'text', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('filename', 'text')
      // No foreign key: a stream may be deleted while its request history stays readable.
      .addColumn('data_stream_id', 'bigint')
      .addColumn('parent_bulk_request_id', 'bigint', (c) => c.references('bulk_requests.id'))
      .addColumn('idempotency_key', 'text')
      .addColumn('request_hash', 'text')
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('source_details', 'text')
      .addColumn('parsing', 'integer', (c) => c.notNull())
      .addColumn('total_items', 'bigint', (c) => c.notNull())
      .addColumn('processed_items', 'bigint', (c) => c.notNull())
      .addColumn('successful_items', 'bigint', (c) => c.notNull())
      .addColumn('failed_items', 'bigint', (c) => c.notNull())
      .addColumn('skipped_items', 'bigint', (c) => c.notNull())
      .addColumn('next_index', 'bigint', (c) => c.notNull())
      .addColumn('claims', 'integer', (c) => c.notNull())
      .addColumn('released_claims', 'integer', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('error_message', 'text')
      .addColumn('error_details', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('completed_at', 'bigint')
      .addColumn('last_progress_at', 'bigint')
      .addColumn('cancellation_requested_at', 'bigint')
      .addUniqueConstraint('bulk_requests_env_idempotency', ['environment_id', 'idempotency_key'])
      // A parent has at most one retry child (SPEC 21); the index also makes the "has a child?" check cheap.
      .addUniqueConstraint('bulk_requests_one_child', ['parent_bulk_request_id'])
      .execute();
    await db.schema.createIndex('bulk_requests_env_created').on('bulk_requests').columns(['environment_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('bulk_requests_stream_status').on('bulk_requests').columns(['data_stream_id', 'status']).execute();
    // Claims scan only live requests; finished ones (nearly all rows, eventually) stay out of this index.
    await db.schema
      .createIndex('bulk_requests_claimable')
      .on('bulk_requests')
      .columns(['created_at', 'id'])
      .where(sql.ref('status'), 'in', ['pending', 'processing'])
      .execute();

    await db.schema
      .createTable('bulk_request_items')
      .addColumn('bulk_request_id', 'bigint', (c) => c.notNull().references('bulk_requests.id'))
      .addColumn('item_index', 'bigint', (c) => c.notNull())
      .addColumn('row_number', 'bigint')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('bulk_request_items_pk', ['bulk_request_id', 'item_index'])
      .execute();

    await db.schema
      .createTable('bulk_request_results')
      .addColumn('bulk_request_id', 'bigint', (c) => c.notNull().references('bulk_requests.id'))
      .addColumn('item_index', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('record_id', 'bigint')
      .addColumn('error_code', 'text')
      .addColumn('error', 'text')
      .addColumn('data_stream_id', 'bigint')
      .addColumn('external_id', 'text')
      .addPrimaryKeyConstraint('bulk_request_results_pk', ['bulk_request_id', 'item_index'])
      .execute();

    await db.schema
      .createTable('import_batches')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('data_stream_id', 'bigint', (c) => c.notNull().references('data_streams.id'))
      .addColumn('bulk_request_id', 'bigint', (c) => c.notNull().references('bulk_requests.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('filename', 'text')
      .addColumn('record_count', 'bigint', (c) => c.notNull())
      .addColumn('total_credits', 'bigint', (c) => c.notNull())
      .addColumn('total_debits', 'bigint', (c) => c.notNull())
      .addColumn('decimal_places', 'integer', (c) => c.notNull())
      .addColumn('date_range_start', 'text')
      .addColumn('date_range_end', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('import_batches_stream_created').on('import_batches').columns(['data_stream_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('import_batches_bulk_request').on('import_batches').columns(['bulk_request_id']).execute();

    await db.schema
      .createTable('records')
      .addColumn('id', id.type, id.build)
      .addColumn('environment_id', 'bigint', (c) => c.notNull().references('environments.id'))
      .addColumn('data_stream_id', 'bigint', (c) => c.notNull().references('data_streams.id'))
      .addColumn('external_id', 'text')
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('bulk_request_id', 'bigint', (c) => c.references('bulk_requests.id'))
      .addColumn('item_index', 'bigint')
      .addColumn('import_batch_id', 'bigint', (c) => c.references('import_batches.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      // NULL external_ids never collide (both databases treat NULLs as distinct), as the contract wants.
      .addUniqueConstraint('records_stream_external_id', ['data_stream_id', 'external_id'])
      .execute();
    await db.schema.createIndex('records_stream_created').on('records').columns(['data_stream_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('records_env_external_id').on('records').columns(['environment_id', 'external_id']).execute();
    await db.schema.createIndex('records_bulk_request').on('records').columns(['bulk_request_id', 'item_index']).execute();
    await db.schema.createIndex('records_import_batch').on('records').columns(['import_batch_id', 'created_at', 'id']).execute();
  };
}
