// The rows each scenario's records become, for the references: the same values Sluice stores (amount in
// cents with its direction, currency, description, external id, metadata JSON, source, request and import
// batch ids, timestamps). NACHA rows go through Sluice's own entry -> record mapping (src/formats/nacha),
// since the external id and metadata are Sluice's definitions; the reference still only pays for loading.

import { createReadStream } from 'node:fs';
import { entryToRecordFields, parseNachaStream, type NachaFileHeader } from '../../src/formats/nacha/index.js';
import { entryToRecordFields as camt053RecordFields, parseCamt053Stream } from '../../src/formats/camt053/index.js';
import { CSV_PREFIX } from '../inputs/csv.js';
import { JSON_PREFIX } from '../inputs/json.js';
import { benchRow } from '../inputs/rows.js';
import type { RecordValues } from './rows-file.js';

const NOW = Date.UTC(2026, 0, 1);

/** `perRequest`: rows per upload when the rows came as several files (scaleout), each its own request. */
export function* csvReferenceRows(count: number, perRequest = count): Generator<RecordValues> {
  for (let i = 0; i < count; i++) {
    const r = benchRow(i, CSV_PREFIX);
    yield [1, 1, r.externalId, r.date, r.amount, r.direction, 'USD', r.description, '{}', 'csv_upload', Math.floor(i / perRequest) + 1, i % perRequest, 1, NOW, NOW];
  }
}

export function* jsonReferenceRows(count: number, batch: number): Generator<RecordValues> {
  for (let i = 0; i < count; i++) {
    const r = benchRow(i, JSON_PREFIX);
    yield [1, 1, r.externalId, r.date, r.amount, r.direction, 'USD', r.description, '{}', 'bulk_api', Math.floor(i / batch) + 1, i % batch, null, NOW, NOW];
  }
}

export async function* nachaReferenceRows(file: string): AsyncGenerator<RecordValues> {
  let header: NachaFileHeader | null = null;
  let index = 0;
  for await (const events of parseNachaStream(createReadStream(file))) {
    for (const event of events) {
      if (event.type === 'file_header') header = event.header;
      else if (event.type === 'entry') {
        const f = entryToRecordFields(event.entry, header!);
        yield [1, 1, f.external_id, f.date, f.amount, f.direction, f.currency, f.description, JSON.stringify(f.metadata), 'nacha_upload', 1, index++, 1, NOW, NOW];
      } else if (event.type === 'end' && !event.result.ok) {
        throw new Error(`the generated NACHA file is invalid: ${event.result.errors[0]?.message}`);
      }
    }
  }
}

/** camt.053 rows through Sluice's own entry -> record mapping, as for NACHA: external ids and metadata are its definitions. */
export async function* camt053ReferenceRows(file: string): AsyncGenerator<RecordValues> {
  let index = 0;
  for await (const events of parseCamt053Stream(createReadStream(file))) {
    for (const event of events) {
      if (event.type === 'entry') {
        for (const f of camt053RecordFields(event.entry)) {
          yield [1, 1, f.external_id, f.date!, f.amount as number, f.direction, f.currency, f.description, JSON.stringify(f.metadata), 'camt053_upload', 1, index++, 1, NOW, NOW];
        }
      } else if (event.type === 'end' && !event.result.ok) {
        throw new Error(`the generated camt.053 file is invalid: ${event.result.errors[0]?.message}`);
      }
    }
  }
}
