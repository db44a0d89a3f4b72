import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { decodeSegment, lowerBound, type EncodedSegment, type ItemRow } from '../segment-codec.js';

export type { ItemRow };

/**
 * Characters of payload in one chunk at most, whatever its item count: 1,000 rows of 10 KB would otherwise
 * be 10 MB parsed and written at once (twice over, with the next chunk read ahead; a chunk written ahead
 * on PostgreSQL shares the bound with the chunk before it, run-request.ts). Uploads cut segments by
 * the same bound (src/uploads/ingest-upload.ts), so a segment never holds much more than a chunk's worth.
 */
export const CHUNK_PAYLOAD_CHARS = 4 * 1024 * 1024;

export interface ItemsRead {
  items: ItemRow[];
  /** True when the payload bound cut the chunk short: more items follow, whatever the count says. */
  cut: boolean;
  /** Characters of payload the items carry. */
  chars: number;
}

export interface ItemReader {
  /** The next chunk from `fromIndex` on: at most `limit` items and, after its first, CHUNK_PAYLOAD_CHARS of payload. */
  read(fromIndex: number, limit: number): Promise<ItemsRead>;
}

interface DecodedSegment {
  first: number;
  last: number;
  items: ItemRow[];
}

/**
 * Reads a request's staged items chunk by chunk, outside the chunk's transaction: segments never change once
 * the request is claimable, so validation runs before the transaction opens and locks are held only while
 * writing. The segment holding the current position is decoded once and kept, so a 2,000-item segment costs
 * one row read and one `split` for its two 1,000-item chunks. Finding a segment is a seek on the primary key
 * (bulk_request_id, first_index): the last one starting at or before the position, else the first after it
 * (a retry's indexes have gaps). Both are bounded by the key whatever the table's statistics, which matters
 * right after a large upload (PostgreSQL planned an open-ended read of new per-item rows as a sort of all).
 */
export function itemReader(db: Kysely<Database>, bulkRequestId: number): ItemReader {
  let current: DecodedSegment | undefined;

  const fetch = async (condition: 'at' | 'after', index: number): Promise<EncodedSegment | undefined> => {
    const result =
      condition === 'at'
        ? await sql<EncodedSegment>`
            SELECT first_index, last_index, item_count, bytes, indexes, row_numbers, payload FROM bulk_request_segments
            WHERE bulk_request_id = ${bulkRequestId} AND first_index <= ${index} ORDER BY first_index DESC LIMIT 1`.execute(db)
        : await sql<EncodedSegment>`
            SELECT first_index, last_index, item_count, bytes, indexes, row_numbers, payload FROM bulk_request_segments
            WHERE bulk_request_id = ${bulkRequestId} AND first_index > ${index} ORDER BY first_index LIMIT 1`.execute(db);
    return result.rows[0];
  };

  /** The segment holding `index`, or the first after it; undefined past the last item. */
  const segmentFrom = async (index: number): Promise<DecodedSegment | undefined> => {
    if (current && current.first <= index && index <= current.last) return current;
    let row: EncodedSegment | undefined;
    if (current && index === current.last + 1) {
      // Reading on in order: the next segment is the first after the one in hand.
      row = await fetch('after', current.last);
    } else {
      row = await fetch('at', index);
      if (!row || Number(row.last_index) < index) row = await fetch('after', index);
    }
    current = row ? { first: Number(row.first_index), last: Number(row.last_index), items: decodeSegment(row) } : undefined;
    return current;
  };

  return {
    async read(fromIndex, limit) {
      const items: ItemRow[] = [];
      let spent = 0;
      let from = fromIndex;
      while (items.length < limit) {
        const segment = await segmentFrom(from);
        if (!segment) return { items, cut: false, chars: spent };
        for (let at = lowerBound(segment.items, from); at < segment.items.length && items.length < limit; at++) {
          // Whatever starts within the budget comes whole (so even one huge item makes a chunk); once it is
          // spent the chunk ends, and the next one starts at the first item left out.
          if (spent >= CHUNK_PAYLOAD_CHARS) return { items, cut: true, chars: spent };
          const item = segment.items[at]!;
          items.push(item);
          spent += item.payload.length;
        }
        from = segment.last + 1;
      }
      return { items, cut: false, chars: spent };
    },
  };
}
