import { AppError } from '../errors/app-error.js';
import type { Keyset } from '../http/pagination.js';

/**
 * A `GET /records` cursor: the last row's (created_at, id), and for a list scoped by a bulk request or an
 * import batch also its (bulk_request_id, item_index), the keys those lists walk (record-list.ts). Opaque
 * base64url JSON like every cursor (http/pagination.ts); the two-element form of before migration 0007
 * still reads.
 */
export interface RecordCursor extends Keyset {
  item?: { bulkRequestId: number; itemIndex: number };
}

const isId = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

export function encodeRecordCursor(row: { created_at: number; id: number; bulk_request_id: number | null; item_index: number | null }, byItem: boolean): string {
  const value = byItem && row.bulk_request_id !== null && row.item_index !== null ? [row.created_at, row.id, row.bulk_request_id, row.item_index] : [row.created_at, row.id];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeRecordCursor(cursor: string | undefined): RecordCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw new Error('shape');
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && (value.length === 2 || value.length === 4) && value.every(isId)) {
      const [createdAt, id, bulkRequestId, itemIndex] = value as number[];
      return { createdAt: createdAt!, id: id!, ...(value.length === 4 ? { item: { bulkRequestId: bulkRequestId!, itemIndex: itemIndex! } } : {}) };
    }
  } catch {
    // fall through to the named error
  }
  throw new AppError('invalid_cursor');
}
