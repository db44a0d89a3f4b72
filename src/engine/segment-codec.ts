import type { BulkRequestSegmentTable } from '../bulk/bulk-request.table.js';

/** One staged item as the engine reads it. */
export interface ItemRow {
  item_index: number;
  row_number: number | null;
  payload: string;
}

/**
 * A segment holds at most this many items, and at most SEGMENT_MAX_CHARS of payload (the chunk's own bound,
 * so one segment never makes a chunk read far more than it uses). Uploads cut by SLUICE_STAGE_BATCH
 * (default the same 2,000) and the same character bound; retries copy into segments of this size.
 * Measured in docs/decisions.md, "Segments".
 */
export const SEGMENT_ITEMS = 2000;
export const SEGMENT_MAX_CHARS = 4 * 1024 * 1024;

/** One item to stage. */
export interface StagedItem {
  index: number;
  rowNumber: number | null;
  payload: string;
}

/** A segment's row as `bulk_request_segments` holds it (docs/engine.md, "Segments"). */
export type EncodedSegment = Omit<BulkRequestSegmentTable, 'bulk_request_id'>;

/**
 * Segment encoding, chosen by measurement (docs/decisions.md, "Segments"): the payloads (JSON texts, which
 * JSON.stringify never writes with a raw newline, or staged records, which hold none: records/staged-record.ts)
 * joined by newlines, so encoding is one `join` and decoding one `split`, with nothing escaped either way. Indexes and row numbers sit in columns of their own: a first
 * run's indexes are first..last and cost nothing; a retry's keep gaps and are listed. Row numbers read apart
 * from payloads serve the results page without touching megabytes of payload. The same layout is what the
 * migration from per-item rows builds in SQL (0006).
 */
export function encodeSegment(items: readonly StagedItem[]): EncodedSegment {
  if (items.length === 0) throw new Error('a segment holds at least one item');
  const first = items[0]!.index;
  const last = items[items.length - 1]!.index;
  const payloads = new Array<string>(items.length);
  let withRowNumber = false;
  let prev = first - 1;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.index <= prev) throw new Error('segment items must be in increasing index order');
    prev = item.index;
    // A raw newline would split an item in two when read back; only a bug could put one here.
    if (item.payload.includes('\n')) throw new Error('a staged payload must not hold a raw newline');
    payloads[i] = item.payload;
    if (item.rowNumber !== null) withRowNumber = true;
  }
  const payload = payloads.join('\n');
  return {
    first_index: first,
    last_index: last,
    item_count: items.length,
    bytes: payload.length,
    indexes: last - first + 1 === items.length ? null : items.map((i) => i.index).join(','),
    row_numbers: withRowNumber ? items.map((i) => (i.rowNumber === null ? '' : String(i.rowNumber))).join(',') : null,
    payload,
  };
}

type SegmentHead = Pick<EncodedSegment, 'first_index' | 'item_count' | 'indexes'>;

/** The item indexes of a segment, in order. */
export function segmentIndexes(segment: SegmentHead): number[] {
  const first = Number(segment.first_index);
  const count = Number(segment.item_count);
  if (segment.indexes === null) return Array.from({ length: count }, (_, i) => first + i);
  return segment.indexes.split(',').map(Number);
}

/** The row numbers of a segment, in item order (null where an item has none). */
export function segmentRowNumbers(segment: Pick<EncodedSegment, 'item_count' | 'row_numbers'>): (number | null)[] {
  if (segment.row_numbers === null) return new Array<null>(Number(segment.item_count)).fill(null);
  return segment.row_numbers.split(',').map((n) => (n === '' ? null : Number(n)));
}

/** Every item of a segment, in index order. Payloads are slices of the one text, not copies. */
export function decodeSegment(segment: EncodedSegment): ItemRow[] {
  const indexes = segmentIndexes(segment);
  const rowNumbers = segmentRowNumbers(segment);
  const payloads = segment.payload.split('\n');
  if (payloads.length !== indexes.length || rowNumbers.length !== indexes.length) {
    throw new Error(`segment at ${segment.first_index} is corrupt: ${payloads.length} payloads for ${indexes.length} items`);
  }
  const items = new Array<ItemRow>(indexes.length);
  for (let i = 0; i < indexes.length; i++) items[i] = { item_index: indexes[i]!, row_number: rowNumbers[i]!, payload: payloads[i]! };
  return items;
}

/** Position of the first item at or after `index` (items in index order). */
export function lowerBound(items: readonly ItemRow[], index: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.item_index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
