// Every error code Sluice can return, with its HTTP status and default message. docs/errors.md lists the
// same table and test/errors-catalogue.test.ts keeps the two identical. Codes are stable: clients branch
// on them, so a code is never renamed or reused for something else.
//
// `status` is the HTTP status when the error answers a request. Codes that describe one record
// (validation) are also used as `error_code` in bulk request results, where they are not HTTP errors.

export const CATALOGUE = {
  // Authentication and transport
  unauthorized: { status: 401, message: 'A valid API key is required in the X-API-KEY header.' },
  rate_limited: { status: 429, message: 'Too many requests for this API key; retry after the time in Retry-After.' },
  route_not_found: { status: 404, message: 'No such endpoint.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON (UTF-8 encoded, without __proto__ or constructor.prototype keys).' },
  body_too_deep: { status: 400, message: 'The JSON body is nested deeper than 64 levels of objects and arrays.' },
  bad_request: { status: 400, message: 'The request is malformed (its URL, headers or framing cannot be read).' },
  path_parameter_too_long: { status: 414, message: 'A path segment is longer than 100 characters, so it names nothing.' },
  request_timeout: { status: 408, message: 'The request did not arrive in time.' },
  headers_too_large: { status: 431, message: 'The request headers are larger than the server reads (16 KiB).' },
  payload_too_large: { status: 413, message: 'The request body is larger than this endpoint accepts.' },
  unsupported_media_type: { status: 415, message: 'This endpoint does not accept that Content-Type.' },
  validation_failed: { status: 422, message: 'The request does not match the expected shape.' },
  internal_error: { status: 500, message: 'Something went wrong on our side; the request may be retried.' },
  database_unavailable: { status: 503, message: 'The database is not reachable; retry after the time in Retry-After.' },
  database_busy: { status: 503, message: 'Another process holds the database write lock; retry after the time in Retry-After.' },

  // Lists and filters
  invalid_cursor: { status: 422, message: 'The cursor is not one this endpoint returned.' },
  invalid_filter: { status: 422, message: 'A filter value is not valid.' },
  missing_scope_filter: {
    status: 422,
    message: 'Listing records needs at least one of data_stream_key, external_id, import_batch_id, bulk_request_id, reconciliation_id or reconciliation_match_id.',
  },

  // Not found (also for ids that exist in another environment)
  data_stream_not_found: { status: 404, message: 'Data stream not found.' },
  record_not_found: { status: 404, message: 'Record not found.' },
  bulk_request_not_found: { status: 404, message: 'Bulk request not found.' },
  property_definition_not_found: { status: 404, message: 'Property definition not found.' },
  import_batch_not_found: { status: 404, message: 'Import batch not found.' },
  operation_not_found: { status: 404, message: 'Operation not found for this data stream.' },
  api_key_not_found: { status: 404, message: 'API key not found.' },

  // Data streams and property definitions
  data_stream_key_taken: { status: 422, message: 'A data stream with this key already exists.' },
  invalid_data_stream_key: { status: 422, message: 'A data stream key is 1-64 characters of letters, digits, "_", ".", ":" or "-".' },
  unsupported_stream_type: {
    status: 422,
    message: 'Sluice has no bank accounts, so it cannot create bank_feed streams; use type "api".',
  },
  property_definition_key_taken: { status: 422, message: 'This data stream already defines a property with this key.' },
  stream_too_large_for_sync_delete: {
    status: 409,
    message: 'The data stream has more than 10,000 records; delete it with ?async=true.',
  },
  stream_busy: { status: 409, message: 'The data stream has pending or processing bulk requests.' },
  invalid_async: { status: 422, message: 'async must be true or false (a JSON boolean, or the text "true" or "false").' },

  // Records (HTTP 422 on POST/PATCH /records; error_code of a failed bulk item)
  invalid_record: { status: 422, message: 'The record must be a JSON object.' },
  missing_required_field: { status: 422, message: 'A required field is missing.' },
  invalid_amount: { status: 422, message: 'amount must be an integer number of minor units within the safe integer range.' },
  invalid_direction: { status: 422, message: 'direction must be "credit" or "debit".' },
  invalid_date: { status: 422, message: 'date must be a real calendar date written YYYY-MM-DD.' },
  invalid_currency: { status: 422, message: 'currency must be an ISO 4217 code such as USD.' },
  invalid_description: { status: 422, message: 'description must be a string of at most 1,000 characters.' },
  invalid_external_id: { status: 422, message: 'external_id must be a string of 1-255 characters.' },
  invalid_metadata: { status: 422, message: 'metadata must be a JSON object of at most 16 KiB serialized.' },
  metadata_type_mismatch: { status: 422, message: 'A metadata value does not match its property definition type.' },
  metadata_required: { status: 422, message: 'A metadata key required by a property definition is missing.' },
  unknown_data_stream: { status: 422, message: 'data_stream_key names no data stream in this environment.' },
  immutable_field: { status: 422, message: 'This field cannot be changed after the record is created.' },
  duplicate_external_id: { status: 409, message: 'A record with this external_id already exists in the data stream.' },
  invalid_row: {
    status: 422,
    message: 'A CSV row does not fit the header: another number of fields, or a value under a column without a name.',
  },

  // Bulk requests
  invalid_on_conflict: { status: 400, message: 'on_conflict must be "skip" or "error".' },
  invalid_idempotency_key: { status: 422, message: 'Idempotency-Key must be 1-255 characters.' },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request body.',
  },
  invalid_results_format: { status: 422, message: 'The Sluice-Results-Format header must be "page" or "array".' },
  bulk_request_not_cancellable: { status: 409, message: 'Only pending or processing bulk requests can be cancelled.' },
  bulk_request_not_retryable: { status: 409, message: 'Only failed or cancelled bulk requests can be retried.' },
  bulk_request_already_retried: {
    status: 409,
    message: 'This bulk request already has a retry; retry that one instead.',
  },
  // Uploads (whole-file problems also appear as `error_details.errors[].code` of a failed request)
  invalid_upload_option: { status: 422, message: 'An upload option is not valid.' },
  upload_in_progress: {
    status: 409,
    message: 'An upload with this Idempotency-Key is still being received; retry when it has finished.',
  },
  unsupported_content_encoding: {
    status: 415,
    message: 'Uploads take Content-Encoding gzip (on a raw body) or none; a gzip file is also recognised by its content.',
  },
  missing_file: { status: 422, message: 'The multipart upload has no "file" part.' },
  invalid_multipart: {
    status: 400,
    message: 'The multipart/form-data body cannot be read: no or bad boundary, malformed or cut off, or over a part limit.',
  },
  // Live updates (docs/live-updates.md)
  too_many_subscribers: {
    status: 503,
    message: 'This server already serves as many event streams as it allows; retry after the time in Retry-After.',
  },
  invalid_last_event_id: { status: 422, message: 'Last-Event-ID must be an id this stream sent: a whole number.' },
  worker_gave_up: {
    status: 500,
    message: 'The request was claimed too many times without finishing and was given up.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof CATALOGUE;
