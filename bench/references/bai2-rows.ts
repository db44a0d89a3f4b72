// The rows the BAI2 file's records become, for the references: through Sluice's own detail -> record
// mapping (src/formats/bai2), since the external id and metadata are Sluice's definitions; the reference
// still only pays for loading.

import { createReadStream } from 'node:fs';
import { detailToRecordFields, parseBai2Stream } from '../../src/formats/bai2/index.js';
import type { RecordValues } from './rows-file.js';

const NOW = Date.UTC(2026, 0, 1);

export async function* bai2ReferenceRows(file: string): AsyncGenerator<RecordValues> {
  let index = 0;
  for await (const events of parseBai2Stream(createReadStream(file))) {
    for (const event of events) {
      if (event.type === 'detail') {
        const f = detailToRecordFields(event.detail, event.file, event.group, event.account);
        yield [1, 1, f.external_id, f.date, f.amount, f.direction, f.currency, f.description, JSON.stringify(f.metadata), 'bai2_upload', 1, index++, 1, NOW, NOW];
      } else if (event.type === 'end' && !event.result.ok) {
        throw new Error(`the generated BAI2 file is invalid: ${event.result.errors[0]?.message}`);
      }
    }
  }
}
