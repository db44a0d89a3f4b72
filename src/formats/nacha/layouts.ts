// Every record layout the parser reads, with the title docs/nacha.md gives it. test/nacha/docs.test.ts
// checks that the document shows each of these tables exactly, so code and docs cannot drift apart.

import type { Layout } from './fields.js';
import { ADDENDA_02_LAYOUT } from './records/addenda-02.js';
import { ADDENDA_05_LAYOUT } from './records/addenda-05.js';
import { ADDENDA_98_LAYOUT } from './records/addenda-98.js';
import { ADDENDA_99_CONTESTED_LAYOUT, ADDENDA_99_DISHONORED_LAYOUT, ADDENDA_99_LAYOUT } from './records/addenda-99.js';
import { ADV_BATCH_CONTROL_LAYOUT, BATCH_CONTROL_LAYOUT } from './records/batch-control.js';
import { BATCH_HEADER_LAYOUT, IAT_BATCH_HEADER_LAYOUT } from './records/batch-header.js';
import { ADV_ENTRY_DETAIL_LAYOUT, CTX_ENTRY_FIELDS, ENTRY_DETAIL_LAYOUT, IAT_ENTRY_DETAIL_LAYOUT } from './records/entry-detail.js';
import { ADV_FILE_CONTROL_LAYOUT, FILE_CONTROL_LAYOUT } from './records/file-control.js';
import { FILE_HEADER_LAYOUT } from './records/file-header.js';
import { IAT_ADDENDA_LAYOUTS } from './records/iat-addenda.js';

export type { FieldSpec, Layout } from './fields.js';

function iat(type: string): Layout {
  const layout = IAT_ADDENDA_LAYOUTS[type];
  if (layout === undefined) throw new Error(`no IAT addenda ${type}`);
  return layout;
}

export const NACHA_LAYOUTS: readonly { title: string; layout: Layout }[] = [
  { title: 'File Header (1)', layout: FILE_HEADER_LAYOUT },
  { title: 'Batch Header (5)', layout: BATCH_HEADER_LAYOUT },
  { title: 'Batch Header, IAT (5)', layout: IAT_BATCH_HEADER_LAYOUT },
  { title: 'Entry Detail (6)', layout: ENTRY_DETAIL_LAYOUT },
  { title: 'Entry Detail, CTX/ATX/TRX positions 40-76 (6)', layout: CTX_ENTRY_FIELDS },
  { title: 'Entry Detail, ADV (6)', layout: ADV_ENTRY_DETAIL_LAYOUT },
  { title: 'Entry Detail, IAT (6)', layout: IAT_ENTRY_DETAIL_LAYOUT },
  { title: 'Addenda 02, POS/SHR/MTE terminal (7)', layout: ADDENDA_02_LAYOUT },
  { title: 'Addenda 05, payment related information (7)', layout: ADDENDA_05_LAYOUT },
  { title: 'Addenda 98, notification of change (7)', layout: ADDENDA_98_LAYOUT },
  { title: 'Addenda 99, return (7)', layout: ADDENDA_99_LAYOUT },
  { title: 'Addenda 99, dishonored return R61-R70 (7)', layout: ADDENDA_99_DISHONORED_LAYOUT },
  { title: 'Addenda 99, contested dishonored return R71-R77 (7)', layout: ADDENDA_99_CONTESTED_LAYOUT },
  { title: 'Addenda 10, IAT receiver (7)', layout: iat('10') },
  { title: 'Addenda 11, IAT originator (7)', layout: iat('11') },
  { title: 'Addenda 12, IAT originator address (7)', layout: iat('12') },
  { title: 'Addenda 13, IAT originating DFI (7)', layout: iat('13') },
  { title: 'Addenda 14, IAT receiving DFI (7)', layout: iat('14') },
  { title: 'Addenda 15, IAT receiver identification (7)', layout: iat('15') },
  { title: 'Addenda 16, IAT receiver address (7)', layout: iat('16') },
  { title: 'Addenda 17, IAT payment related information (7)', layout: iat('17') },
  { title: 'Addenda 18, IAT foreign correspondent bank (7)', layout: iat('18') },
  { title: 'Batch Control (8)', layout: BATCH_CONTROL_LAYOUT },
  { title: 'Batch Control, ADV (8)', layout: ADV_BATCH_CONTROL_LAYOUT },
  { title: 'File Control (9)', layout: FILE_CONTROL_LAYOUT },
  { title: 'File Control, ADV (9)', layout: ADV_FILE_CONTROL_LAYOUT },
];

/** The markdown table docs/nacha.md shows for a layout. */
export function layoutMarkdown(layout: Layout): string {
  const rows = layout.map((f) => `| \`${f.name}\` | ${f.start === f.end ? f.start : `${f.start}-${f.end}`} | ${f.format} | ${f.description} |`);
  return ['| Field | Positions | Format | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
