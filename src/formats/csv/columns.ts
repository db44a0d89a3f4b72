// The header row of a CSV upload, turned into a column plan: which column feeds which record field, and
// which go to metadata under which key (SPEC §5 "CSV", docs/csv.md "Columns"). The plan is plain JSON: it
// is stored with the bulk request and read back by the worker that converts the staged rows.

import { CsvFileError } from './errors.js';

/** Record fields a column can feed. */
export const CSV_FIELDS = ['date', 'amount', 'direction', 'currency', 'description', 'external_id'] as const;
export type CsvField = (typeof CSV_FIELDS)[number];
/** Columns every file must have (by name or through `mapping`). */
export const REQUIRED_CSV_FIELDS: readonly CsvField[] = ['date', 'amount'];

/** Header cells starting with this (any case) name a metadata key: `metadata.invoice` -> `invoice`. */
export const METADATA_PREFIX = 'metadata.';

export interface CsvColumnPlan {
  /** Cells in the header row; every row must have exactly as many. */
  columns: number;
  /** Column index of each record field; -1 when the file has no such column (only optional fields). */
  date: number;
  amount: number;
  direction: number;
  currency: number;
  description: number;
  external_id: number;
  /** [column index, metadata key] for every column that goes to metadata, in header order. */
  metadata: Array<[number, string]>;
  /** Columns whose header cell is empty: ignored, but a row with a value in one is a row error. */
  unnamed: number[];
  /** The header row as written (failed-row downloads repeat it). */
  header: string[];
}

export interface PlanOptions {
  /**
   * Sluice field -> header name, for columns named differently: `{"date": "Posted On"}`. Fields are the
   * six of CSV_FIELDS or `metadata.<key>`; header names are matched trimmed and case-insensitively.
   */
  mapping?: Readonly<Record<string, unknown>> | undefined;
  /** Line of the header row in the file (1 unless blank lines precede it), for error reports. */
  headerLine?: number;
}

export type PlanResult = { ok: true; plan: CsvColumnPlan } | { ok: false; errors: CsvFileError[] };

const isField = (name: string): name is CsvField => (CSV_FIELDS as readonly string[]).includes(name);

/** Header names compare case-insensitively; toLowerCase (unlike toLocaleLowerCase) ignores the server's locale. */
function fold(name: string): string {
  return name.toLowerCase();
}

/**
 * Reads the header row. All problems are reported at once (each a CsvFileError on the header line):
 * duplicate names, a bad `mapping`, a mapping to a missing header, missing required columns.
 */
export function planColumns(header: readonly string[], options: PlanOptions = {}): PlanResult {
  const line = options.headerLine ?? 1;
  const errors: CsvFileError[] = [];
  const names = header.map((h) => h.trim());
  const byName = new Map<string, number>();
  const reported = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (name === '') continue;
    const key = fold(name);
    const first = byName.get(key);
    if (first === undefined) {
      byName.set(key, i);
    } else if (!reported.has(key)) {
      reported.add(key);
      errors.push(
        new CsvFileError(
          'duplicate_column',
          line,
          name,
          `The header names the column "${name}" more than once (columns ${first + 1} and ${i + 1}; names are compared case-insensitively).`,
        ),
      );
    }
  }

  // Column index -> what it feeds: a record field, or a metadata key given through the mapping.
  const fieldOf = new Map<number, CsvField>();
  const mappedMetadata = new Map<number, string>();
  const fieldColumn = new Map<CsvField, number>();
  const mapping = options.mapping;
  if (mapping !== undefined && mapping !== null) {
    if (typeof mapping !== 'object' || Array.isArray(mapping)) {
      errors.push(new CsvFileError('invalid_mapping', line, 'mapping', 'mapping must be a JSON object of Sluice field to CSV header name.'));
    } else {
      const claimed = new Map<number, string>();
      for (const [rawField, target] of Object.entries(mapping)) {
        const field = rawField.trim();
        const lower = fold(field);
        const metadataKey = lower.startsWith(METADATA_PREFIX) ? field.slice(METADATA_PREFIX.length).trim() : null;
        if (!isField(lower) && (metadataKey === null || metadataKey === '')) {
          errors.push(
            new CsvFileError(
              'invalid_mapping',
              line,
              field,
              `mapping names "${field}", which is not a field: use ${CSV_FIELDS.join(', ')} or metadata.<key>.`,
            ),
          );
          continue;
        }
        if (typeof target !== 'string' || target.trim() === '') {
          errors.push(new CsvFileError('invalid_mapping', line, field, `mapping for "${field}" must be the name of a header cell.`));
          continue;
        }
        const column = byName.get(fold(target.trim()));
        if (column === undefined) {
          errors.push(
            new CsvFileError(
              'mapping_column_not_found',
              line,
              field,
              `mapping maps "${field}" to the column "${target.trim()}", which is not in the header row.`,
            ),
          );
          continue;
        }
        const other = claimed.get(column);
        if (other !== undefined) {
          errors.push(
            new CsvFileError('invalid_mapping', line, field, `mapping maps both "${other}" and "${field}" to the column "${names[column]}".`),
          );
          continue;
        }
        claimed.set(column, field);
        if (isField(lower)) {
          if (fieldColumn.has(lower)) {
            errors.push(new CsvFileError('invalid_mapping', line, field, `mapping names the field "${lower}" more than once.`));
            continue;
          }
          fieldColumn.set(lower, column);
          fieldOf.set(column, lower);
        } else {
          mappedMetadata.set(column, metadataKey!);
        }
      }
    }
  }

  // Fields not mapped are found by their own name, unless the mapping took that column for something else.
  for (const field of CSV_FIELDS) {
    if (fieldColumn.has(field)) continue;
    const column = byName.get(field);
    if (column !== undefined && !fieldOf.has(column) && !mappedMetadata.has(column)) {
      fieldColumn.set(field, column);
      fieldOf.set(column, field);
    }
  }

  for (const field of REQUIRED_CSV_FIELDS) {
    if (fieldColumn.has(field)) continue;
    const mapped = mapping !== null && typeof mapping === 'object' && !Array.isArray(mapping) && Object.keys(mapping).some((k) => fold(k.trim()) === field);
    if (mapped) continue; // already reported as a mapping problem
    errors.push(
      new CsvFileError(
        'missing_column',
        line,
        field,
        `The header row has no "${field}" column (required; name a differently named column with mapping, e.g. {"${field}": "..."}).`,
      ),
    );
  }

  const metadata: Array<[number, string]> = [];
  const unnamed: number[] = [];
  const keyColumn = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    if (fieldOf.has(i)) continue;
    const name = names[i]!;
    let key = mappedMetadata.get(i);
    if (key === undefined) {
      if (name === '') {
        unnamed.push(i);
        continue;
      }
      // `metadata.<key>`: the key as written after the prefix; `metadata.` alone is just a name.
      const rest = fold(name).startsWith(METADATA_PREFIX) ? name.slice(METADATA_PREFIX.length).trim() : '';
      key = rest !== '' ? rest : name;
    }
    const first = keyColumn.get(key);
    if (first !== undefined) {
      errors.push(
        new CsvFileError(
          'duplicate_column',
          line,
          name,
          `The columns "${names[first]}" and "${name}" would both write the metadata key "${key}".`,
        ),
      );
      continue;
    }
    keyColumn.set(key, i);
    metadata.push([i, key]);
  }

  if (errors.length > 0) return { ok: false, errors };
  const col = (field: CsvField) => fieldColumn.get(field) ?? -1;
  return {
    ok: true,
    plan: {
      columns: header.length,
      date: col('date'),
      amount: col('amount'),
      direction: col('direction'),
      currency: col('currency'),
      description: col('description'),
      external_id: col('external_id'),
      metadata,
      unnamed,
      header: [...header],
    },
  };
}
