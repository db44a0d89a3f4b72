// A small NACHA writer for tests: builds a file from entries, computing what a real originator would
// (check digits, trace numbers, addenda sequence numbers, batch and file controls, block count, padding),
// so property tests can generate arbitrary valid files and compare what the parser reads back.

export interface WriterEntry {
  transactionCode: number;
  /** Eight digits; the check digit is computed. */
  rdfi: string;
  /** Printable, 1-17 characters (1-15 in ADV batches), not starting or ending with a blank. */
  account: string;
  /** Cents: < 10^10, or < 10^12 in ADV batches. */
  amount: number;
  individualId: string;
  individualName: string;
  discretionaryData?: string;
  /** Payment related information, one addenda 05 record each (at most 80 characters). */
  addenda05?: string[];
  /** Complete 94-character addenda records written after the 05s as they are (e.g. 98 or 99). */
  rawAddenda?: string[];
}

export interface WriterBatch {
  serviceClassCode: 200 | 220 | 225 | 280;
  secCode: string;
  companyName: string;
  companyId: string;
  companyEntryDescription: string;
  /** YYMMDD, or blanks / 000000. */
  effectiveEntryDate: string;
  /** Eight digits. */
  odfi: string;
  entries: WriterEntry[];
}

export interface WriterFile {
  /** Nine digits with a valid check digit. */
  destination: string;
  /** Ten characters as they go into positions 14-23 (e.g. " 123456789" or "1234567890"). */
  origin: string;
  creationDate: string;
  creationTime: string;
  modifier: string;
  batches: WriterBatch[];
}

export interface WriteOptions {
  /** '' writes the records back to back, without line breaks. */
  lineEnding?: '\n' | '\r\n' | '';
  /** Nine-fill the last block to a multiple of ten records (default true). */
  padding?: boolean;
  /** Line break after the last record (default false). */
  finalNewline?: boolean;
}

export function abaCheckDigit(identification: string): number {
  const d = (i: number): number => identification.charCodeAt(i) - 48;
  const sum = 3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5));
  return (10 - (sum % 10)) % 10;
}

function alpha(value: string, width: number): string {
  if (value.length > width) throw new Error(`"${value}" does not fit in ${width} characters`);
  return value.padEnd(width, ' ');
}

function num(value: number | bigint, width: number): string {
  const s = String(value);
  if (s.length > width || s.startsWith('-')) throw new Error(`${s} does not fit in ${width} digits`);
  return s.padStart(width, '0');
}

function record(...parts: string[]): string {
  const line = parts.join('');
  if (line.length !== 94) throw new Error(`record is ${line.length} characters: ${line}`);
  return line;
}

function isCredit(code: number): boolean {
  return code >= 81 ? code % 2 === 1 : code % 10 >= 1 && code % 10 <= 4;
}

export interface WrittenTotals {
  entryCount: number;
  addendaCount: number;
  debitAmount: bigint;
  creditAmount: bigint;
  entryHash: number;
}

export function writeRecords(file: WriterFile): { records: string[]; totals: WrittenTotals } {
  const records: string[] = [];
  records.push(
    record('101', ' ', file.destination, alpha(file.origin, 10), file.creationDate, alpha(file.creationTime, 4), file.modifier, '094', '10', '1', alpha('DEST BANK', 23), alpha('ORIGIN CO', 23), alpha('', 8)),
  );
  const fileTotals: WrittenTotals = { entryCount: 0, addendaCount: 0, debitAmount: 0n, creditAmount: 0n, entryHash: 0 };
  file.batches.forEach((batch, b) => {
    const batchNumber = b + 1;
    const adv = batch.secCode === 'ADV';
    records.push(
      record('5', num(batch.serviceClassCode, 3), alpha(batch.companyName, 16), alpha('', 20), alpha(batch.companyId, 10), batch.secCode, alpha(batch.companyEntryDescription, 10), alpha('', 6), batch.effectiveEntryDate, '   ', adv ? '0' : '1', batch.odfi, num(batchNumber, 7)),
    );
    let count = 0;
    let hash = 0;
    let debit = 0n;
    let credit = 0n;
    batch.entries.forEach((entry, e) => {
      const sequence = e + 1;
      const addenda = entry.addenda05 ?? [];
      const raw = entry.rawAddenda ?? [];
      const routing = entry.rdfi + String(abaCheckDigit(entry.rdfi));
      if (adv) {
        records.push(
          record('6', num(entry.transactionCode, 2), routing, alpha(entry.account, 15), num(entry.amount, 12), routing, alpha('FILE1', 5), ' ', alpha(entry.individualName, 22), alpha(entry.discretionaryData ?? '', 2), '0', batch.odfi, '001', num(sequence, 4)),
        );
      } else {
        records.push(
          record('6', num(entry.transactionCode, 2), routing, alpha(entry.account, 17), num(entry.amount, 10), alpha(entry.individualId, 15), alpha(entry.individualName, 22), alpha(entry.discretionaryData ?? '', 2), addenda.length + raw.length > 0 ? '1' : '0', batch.odfi, num(sequence, 7)),
        );
        addenda.forEach((info, a) => records.push(record('705', alpha(info, 80), num(a + 1, 4), num(sequence, 7))));
        raw.forEach((line) => records.push(record(line)));
      }
      count += 1 + (adv ? 0 : addenda.length + raw.length);
      hash = (hash + Number(entry.rdfi)) % 10_000_000_000;
      if (isCredit(entry.transactionCode)) credit += BigInt(entry.amount);
      else debit += BigInt(entry.amount);
      fileTotals.entryCount++;
      fileTotals.addendaCount += adv ? 0 : addenda.length + raw.length;
    });
    if (adv) {
      records.push(record('8', num(batch.serviceClassCode, 3), num(count, 6), num(hash, 10), num(debit, 20), num(credit, 20), alpha('', 19), batch.odfi, num(batchNumber, 7)));
    } else {
      records.push(record('8', num(batch.serviceClassCode, 3), num(count, 6), num(hash, 10), num(debit, 12), num(credit, 12), alpha(batch.companyId, 10), alpha('', 19), alpha('', 6), batch.odfi, num(batchNumber, 7)));
    }
    fileTotals.entryHash = (fileTotals.entryHash + hash) % 10_000_000_000;
    fileTotals.debitAmount += debit;
    fileTotals.creditAmount += credit;
  });
  const blocks = Math.ceil((records.length + 1) / 10);
  const adv = file.batches.length > 0 && file.batches.every((batch) => batch.secCode === 'ADV');
  const totalsWidth = adv ? 20 : 12;
  const control = num(file.batches.length, 6) + num(blocks, 6) + num(fileTotals.entryCount + fileTotals.addendaCount, 8) + num(fileTotals.entryHash, 10) + num(fileTotals.debitAmount, totalsWidth) + num(fileTotals.creditAmount, totalsWidth);
  records.push(record('9', control, ' '.repeat(93 - control.length)));
  return { records, totals: fileTotals };
}

export function writeNacha(file: WriterFile, options: WriteOptions = {}): string {
  const { records } = writeRecords(file);
  if (options.padding !== false) while (records.length % 10 !== 0) records.push('9'.repeat(94));
  const eol = options.lineEnding ?? '\n';
  return records.join(eol) + (options.finalNewline === true ? eol : '');
}

/** A one-batch PPD file around the given entries, for tests that only care about entries. */
export function simpleFile(entries: WriterEntry[], overrides: Partial<WriterBatch> = {}): WriterFile {
  return {
    destination: '231380104',
    origin: ' 121042882',
    creationDate: '240115',
    creationTime: '1200',
    modifier: 'A',
    batches: [
      {
        serviceClassCode: 200,
        secCode: 'PPD',
        companyName: 'ACME PAYROLL',
        companyId: '1234567890',
        companyEntryDescription: 'PAYROLL',
        effectiveEntryDate: '240116',
        odfi: '12104288',
        entries,
        ...overrides,
      },
    ],
  };
}
