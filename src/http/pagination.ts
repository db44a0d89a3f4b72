import { AppError } from '../errors/app-error.js';

// Cursors are keysets on (created_at, id), newest first: a row inserted while a client walks the pages
// lands before the cursor, so no row is returned twice and none that existed at the start is missed.
// They are opaque (base64url JSON) and checked strictly: a cursor Sluice did not write answers 422.

export interface Keyset {
  createdAt: number;
  id: number;
}

export function encodeCursor(row: { created_at: number; id: number }): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw new Error('shape');
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
    ) {
      return { createdAt: value[0] as number, id: value[1] as number };
    }
  } catch {
    // fall through to the named error
  }
  throw new AppError('invalid_cursor');
}

/** `created_after`/`created_before` filters: RFC 3339 date-times only; anything else is a 422. */
export function parseTimestampFilter(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.test(value);
  const ms = ok ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new AppError('invalid_filter', `${name} must be an RFC 3339 date-time such as 2026-01-31T00:00:00Z.`, { field: name });
  }
  return ms;
}

/** Fetch one row more than asked, to know whether there is a next page without counting. */
export function pageOf<T extends { created_at: number; id: number }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Path ids are numeric strings; anything else cannot name a row, so it answers the resource's 404. */
export function parseId(raw: string, notFound: ConstructorParameters<typeof AppError>[0]): number {
  if (!/^\d{1,15}$/.test(raw)) throw new AppError(notFound);
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError(notFound);
  return id;
}

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
