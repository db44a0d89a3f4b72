import type { ApiKeyTable } from '../keys/api-key.table.js';
import type { EnvironmentTable } from '../keys/environment.table.js';
import type { DataStreamTable } from '../streams/data-stream.table.js';
import type { PropertyDefinitionTable } from '../properties/property-definition.table.js';
import type { RecordTable } from '../records/record.table.js';
import type { BulkRequestSegmentTable, BulkRequestResultTable, BulkRequestStreamTable, BulkRequestTable } from '../bulk/bulk-request.table.js';
import type { ImportBatchTable } from '../imports/import-batch.table.js';
import type { StreamOperationTable } from '../operations/operation.table.js';
import type { StreamRecordCountTable } from '../streams/record-count.table.js';
import type { WebhookAttemptTable, WebhookDeliveryTable, WebhookEndpointTable, WebhookEventTable } from '../webhooks/webhook.table.js';

/** Every table, as Kysely sees it. Timestamps are integer epoch milliseconds on both databases. */
export interface Database {
  environments: EnvironmentTable;
  api_keys: ApiKeyTable;
  data_streams: DataStreamTable;
  property_definitions: PropertyDefinitionTable;
  records: RecordTable;
  bulk_requests: BulkRequestTable;
  bulk_request_segments: BulkRequestSegmentTable;
  bulk_request_results: BulkRequestResultTable;
  bulk_request_streams: BulkRequestStreamTable;
  import_batches: ImportBatchTable;
  stream_operations: StreamOperationTable;
  stream_record_counts: StreamRecordCountTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
}
