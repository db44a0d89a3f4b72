/**
 * Where an operation is polled. A file of its own, below both operation.schemas.ts and
 * streams/stream-guard.ts, so the guard can name the operation without importing the operations room.
 * Stream keys are `[A-Za-z0-9_.:-]` only, all legal in a path segment as they are.
 */
export function operationUrl(row: { id: number; data_stream_key: string }): string {
  return `/v1/data_streams/${row.data_stream_key}/operations/${row.id}`;
}
