// The rules of each SEC code that moov-io/ach's default validation enforces (docs/nacha.md, "Rules of each
// SEC code"), and IAT notifications of change. Each case is a file built with the test writer, valid but
// for the one rule under test, so the errors listed are exactly what that rule reports.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseNacha, type NachaOptions } from '../../src/formats/nacha/index.js';
import { abaCheckDigit, simpleFile, writeNacha, writeRecords, type WriterBatch, type WriterEntry } from './writer.js';

const where = (issues: readonly { line: number; record: string; field: string; code: string }[]): string[] =>
  issues.map((e) => `${e.line}:${e.record}:${e.field}:${e.code}`);

function entry(overrides: Partial<WriterEntry> = {}): WriterEntry {
  return { transactionCode: 27, rdfi: '23138010', account: '12345678', amount: 10_000, individualId: '000123', individualName: 'JANE DOE', ...overrides };
}

function parseBatch(sec: string, serviceClassCode: WriterBatch['serviceClassCode'], entries: WriterEntry[], overrides: Partial<WriterBatch> = {}, options: NachaOptions = {}) {
  return parseNacha(writeNacha(simpleFile(entries, { secCode: sec, serviceClassCode, ...overrides })), options);
}

/** A card entry (POS, SHR, MTE): card transaction type 01 (purchase), SHR card expiring 01/30. */
function cardEntry(sec: string, overrides: Partial<WriterEntry> = {}): WriterEntry {
  return entry({ discretionaryData: sec === 'MTE' ? '' : '01', individualId: sec === 'SHR' ? '0130DOC0000001' : '000123', ...overrides });
}

/** Line 3 is the first entry of simpleFile's one batch (line 1 file header, line 2 batch header). */
const ENTRY = 3;

/** An addenda 02 (POS/SHR/MTE terminal) for the entry with sequence number `sequence` of simpleFile's batch. */
function addenda02(sequence: number): string {
  return ['702', 'REF0001', 'R02', 'TERM01', 'SER001', '0115', 'AUTH01', 'MAIN STREET 1'.padEnd(27), 'SPRINGFIELD'.padEnd(15), 'IL', `12104288${String(sequence).padStart(7, '0')}`].join('');
}

/** An addenda 99 (return, R01) for the entry with sequence number `sequence`. */
function addenda99(sequence: number): string {
  return ['799', 'R01', '121042880000099', ' '.repeat(6), '23138010', ' '.repeat(44), `12104288${String(sequence).padStart(7, '0')}`].join('');
}

describe('NACHA rules of each SEC code (moov-io/ach default validation)', () => {
  test('files that follow the rules of their SEC code import without errors or warnings', () => {
    const cases: [string, WriterBatch['serviceClassCode'], WriterEntry[], Partial<WriterBatch>?][] = [
      ['ARC', 225, [entry({ amount: 2_500_000 })]],
      ['BOC', 200, [entry()]],
      ['POP', 225, [entry({ individualId: '123456   PHILPA' })]],
      ['RCK', 225, [entry({ amount: 250_000 })], { companyEntryDescription: 'REDEPCHECK' }],
      ['XCK', 225, [entry({ amount: 250_000, individualName: 'PCF001ITEMRESEARCH01' })]],
      ['TRX', 225, [entry({ individualName: '0000RECEIVER' })]],
      ['CIE', 220, [entry({ transactionCode: 22, addenda05: ['BILL 42'] })]],
      ['ACK', 220, [entry({ transactionCode: 24, amount: 0 })]],
      ['ENR', 220, [entry({ transactionCode: 23, amount: 0, addenda05: ['22*12200004*3*123987654321*777777777*DOE*JOHN*0\\'] })], { companyEntryDescription: 'AUTOENROLL' }],
      ['POS', 225, [cardEntry('POS', { rawAddenda: [addenda02(1)] })]],
      ['SHR', 200, [cardEntry('SHR', { rawAddenda: [addenda02(1)] }), cardEntry('SHR', { transactionCode: 22, discretionaryData: '11', rawAddenda: [addenda02(2)] })]],
      ['MTE', 225, [cardEntry('MTE', { rawAddenda: [addenda02(1)] })]],
      ['WEB', 220, [entry({ transactionCode: 22, addenda05: ['ORDER 1'] })]],
    ];
    for (const [sec, serviceClass, entries, overrides] of cases) {
      const result = parseBatch(sec, serviceClass, entries, overrides, { strict: true });
      assert.deepEqual(where(result.errors), [], sec);
      assert.equal(result.ok, true, sec);
    }
  });

  test('ARC, BOC, POP, RCK, TRX and XCK entries are debits, returns included; CIE entries are credits', () => {
    for (const sec of ['ARC', 'BOC', 'POP', 'TRX', 'XCK']) {
      // '0000' opens the name: TRX reads it as its number of addenda records, XCK as its process control field.
      const name = '0000PCITEMRESEARCH01';
      const result = parseBatch(sec, 200, [entry({ individualName: name }), entry({ transactionCode: 22, individualName: name })]);
      assert.deepEqual(where(result.errors), [`${ENTRY + 1}:entry_detail:transaction_code:invalid_transaction_code`], sec);
      assert.match(result.errors[0]!.message, new RegExp(`${sec} entries are debits only`));
    }
    // A return of a credit (21) is itself a credit: not in an RCK batch.
    const rck = parseBatch('RCK', 200, [entry({ transactionCode: 21, rawAddenda: [addenda99(1)] })], { companyEntryDescription: 'REDEPCHECK' });
    assert.deepEqual(where(rck.errors), [`${ENTRY}:entry_detail:transaction_code:invalid_transaction_code`]);
    assert.match(rck.errors[0]!.message, /returns included/);

    const cie = parseBatch('CIE', 200, [entry({ transactionCode: 27 })]);
    assert.deepEqual(where(cie.errors), [`${ENTRY}:entry_detail:transaction_code:invalid_transaction_code`]);
    assert.match(cie.errors[0]!.message, /CIE entries are credits only/);
  });

  test('a debit-only SEC code in a credits-only batch (220), or CIE in a debits-only batch (225), is a wrong service class', () => {
    const arc = parseBatch('ARC', 220, [entry()]);
    assert.deepEqual(where(arc.errors), ['2:batch_header:service_class_code:invalid_service_class']);
    assert.match(arc.errors[0]!.message, /ARC entries are debits only; service class 220/);
    // The debit itself is also the usual service class warning.
    assert.deepEqual(where(arc.warnings), [`${ENTRY}:entry_detail:transaction_code:service_class_mismatch`]);

    const cie = parseBatch('CIE', 225, [entry({ transactionCode: 22 })]);
    assert.deepEqual(where(cie.errors), ['2:batch_header:service_class_code:invalid_service_class']);
  });

  test('ARC, BOC and POP amounts are at most 25,000.00; RCK and XCK amounts at most 2,500.00', () => {
    for (const [sec, limit] of [['ARC', 2_500_000], ['BOC', 2_500_000], ['POP', 2_500_000], ['RCK', 250_000], ['XCK', 250_000]] as const) {
      const overrides = sec === 'RCK' ? { companyEntryDescription: 'REDEPCHECK' } : {};
      const name = 'PCF001ITEMRESEARCH01';
      const result = parseBatch(sec, 225, [entry({ amount: limit, individualName: name }), entry({ amount: limit + 1, individualName: name })], overrides);
      assert.deepEqual(where(result.errors), [`${ENTRY + 1}:entry_detail:amount:amount_over_limit`], sec);
      assert.match(result.errors[0]!.message, limit === 2_500_000 ? /at most 25,000\.00; this one is 25,000\.01/ : /at most 2,500\.00; this one is 2,500\.01/);
    }
  });

  test('ARC, BOC, POP and RCK entries carry a check serial number; XCK entries a process control field and an item research number', () => {
    for (const sec of ['ARC', 'BOC', 'POP', 'RCK']) {
      const overrides = sec === 'RCK' ? { companyEntryDescription: 'REDEPCHECK' } : {};
      const result = parseBatch(sec, 225, [entry({ individualId: '' })], overrides);
      assert.deepEqual(where(result.errors), [`${ENTRY}:entry_detail:individual_identification_number:required_field`], sec);
      assert.match(result.errors[0]!.message, /check serial number/);
    }
    const xck = parseBatch('XCK', 225, [entry({ individualName: '' }), entry({ individualName: 'PCF001' })]);
    assert.deepEqual(where(xck.errors), [
      `${ENTRY}:entry_detail:process_control_field:required_field`,
      `${ENTRY}:entry_detail:item_research_number:required_field`,
      `${ENTRY + 1}:entry_detail:item_research_number:required_field`,
    ]);
  });

  test('RCK batches are described REDEPCHECK, ENR batches AUTOENROLL', () => {
    const rck = parseBatch('RCK', 225, [entry()], { companyEntryDescription: 'CHECKS' });
    assert.deepEqual(where(rck.errors), ['2:batch_header:company_entry_description:invalid_value']);
    assert.match(rck.errors[0]!.message, /REDEPCHECK, got "CHECKS"/);
    const enr = parseBatch('ENR', 220, [entry({ transactionCode: 23, amount: 0, addenda05: ['X'] })], { companyEntryDescription: 'ENROLL' });
    assert.deepEqual(where(enr.errors), ['2:batch_header:company_entry_description:invalid_value']);
  });

  test('ACK, ATX, DNE and ENR entries use only the transaction codes of their SEC code', () => {
    const ack = parseBatch('ACK', 200, [entry({ transactionCode: 24, amount: 0 }), entry({ transactionCode: 22 })]);
    assert.deepEqual(where(ack.errors), [`${ENTRY + 1}:entry_detail:transaction_code:invalid_transaction_code`]);
    assert.match(ack.errors[0]!.message, /not allowed in a ACK batch \(allowed: 24, 34\)/);
    const atx = parseBatch('ATX', 220, [entry({ transactionCode: 23, amount: 0, individualName: '0000' })]);
    assert.deepEqual(where(atx.errors), [`${ENTRY}:entry_detail:transaction_code:invalid_transaction_code`]);
    const enr = parseBatch('ENR', 220, [entry({ transactionCode: 22, addenda05: ['X'] })], { companyEntryDescription: 'AUTOENROLL' });
    assert.deepEqual(where(enr.errors), [`${ENTRY}:entry_detail:transaction_code:invalid_transaction_code`]);
  });

  test('DNE batches come from a federal agency (originator status 2) and each forward entry carries one addenda 05', () => {
    const written = writeRecords(simpleFile([entry({ transactionCode: 23, amount: 0, addenda05: ['DATE OF DEATH*010124*CUSTOMERSSN*#########*AMOUNT*$$$$.cc\\'] })], { secCode: 'DNE', serviceClassCode: 220 })).records;
    const agency = written.map((line, i) => (i === 1 ? `${line.slice(0, 78)}2${line.slice(79)}` : line));
    assert.deepEqual(where(parseNacha(agency.join('\n'), { strict: true }).errors), []);

    assert.deepEqual(where(parseNacha(written.join('\n')).errors), ['2:batch_header:originator_status_code:invalid_value']);

    const twoAddenda = writeRecords(simpleFile([entry({ transactionCode: 23, amount: 0, addenda05: ['A', 'B'] })], { secCode: 'DNE', serviceClassCode: 220 })).records;
    const noAddenda = writeRecords(simpleFile([entry({ transactionCode: 23, amount: 0 })], { secCode: 'DNE', serviceClassCode: 220 })).records;
    const asAgency = (lines: string[]) => lines.map((line, i) => (i === 1 ? `${line.slice(0, 78)}2${line.slice(79)}` : line)).join('\n');
    assert.deepEqual(where(parseNacha(asAgency(twoAddenda)).errors), [`${ENTRY}:entry_detail:addenda_record_indicator:too_many_addenda`]);
    assert.deepEqual(where(parseNacha(asAgency(noAddenda)).errors), [`${ENTRY}:entry_detail:addenda_record_indicator:missing_addenda`]);
  });

  test('POS, SHR and MTE forward entries carry an addenda 02; their returns need not', () => {
    for (const sec of ['POS', 'SHR', 'MTE']) {
      const result = parseBatch(sec, 225, [cardEntry(sec, { rawAddenda: [addenda02(1)] }), cardEntry(sec)]);
      assert.deepEqual(where(result.errors), [`${ENTRY + 2}:entry_detail:addenda_record_indicator:missing_addenda`], sec);
      assert.match(result.errors[0]!.message, new RegExp(`a ${sec} entry needs an addenda 02`));
    }
    const returned = parseBatch('POS', 225, [cardEntry('POS', { transactionCode: 26, rawAddenda: [addenda99(1)] })]);
    assert.deepEqual(where(returned.errors), []);
  });

  test('POS and SHR entries carry a card transaction type code; SHR a card expiration date; MTE and SHR terminals are in a US state', () => {
    for (const sec of ['POS', 'SHR']) {
      const result = parseBatch(sec, 225, [cardEntry(sec, { discretionaryData: '07', rawAddenda: [addenda02(1)] })]);
      assert.deepEqual(where(result.errors), [`${ENTRY}:entry_detail:discretionary_data:invalid_value`], sec);
      assert.match(result.errors[0]!.message, /card transaction type code .* got "07"/);
    }
    for (const expiration of ['1330', '0117', '0151', 'AB30']) {
      const result = parseBatch('SHR', 225, [cardEntry('SHR', { individualId: `${expiration}DOC0000001`, rawAddenda: [addenda02(1)] })]);
      assert.deepEqual(where(result.errors), [`${ENTRY}:entry_detail:individual_identification_number:invalid_date`], expiration);
    }
    const foreign = addenda02(1).slice(0, 77) + 'ON' + addenda02(1).slice(79);
    for (const sec of ['MTE', 'SHR']) {
      const result = parseBatch(sec, 225, [cardEntry(sec, { rawAddenda: [foreign] })]);
      assert.deepEqual(where(result.errors), [`${ENTRY + 1}:addenda_02:terminal_state:invalid_value`], sec);
    }
    // POS terminals may be abroad.
    assert.deepEqual(where(parseBatch('POS', 225, [cardEntry('POS', { rawAddenda: [foreign] })]).errors), []);
  });

  test('ACK, CCD, CIE, PPD and WEB entries carry at most one addenda 05; CTX entries more', () => {
    for (const sec of ['PPD', 'CCD']) {
      const result = parseBatch(sec, 225, [entry({ addenda05: ['ONE'] }), entry({ addenda05: ['ONE', 'TWO'] })]);
      assert.deepEqual(where(result.errors), [`${ENTRY + 2}:entry_detail:addenda_record_indicator:too_many_addenda`], sec);
    }
    const ctx = parseBatch('CTX', 225, [entry({ individualName: '0003RECEIVER', addenda05: ['ONE', 'TWO', 'THREE'] })], {}, { strict: true });
    assert.deepEqual(where(ctx.errors), []);
    const web = parseBatch('WEB', 220, [entry({ transactionCode: 22, addenda05: ['ONE', 'TWO'] })]);
    assert.deepEqual(where(web.errors), [`${ENTRY}:entry_detail:addenda_record_indicator:too_many_addenda`]);
    assert.match(web.errors[0]!.message, /at most 1 addenda 05; this one has 2/);
    const cie = parseBatch('CIE', 220, [entry({ transactionCode: 22, addenda05: ['ONE', 'TWO'] })]);
    assert.deepEqual(where(cie.errors), [`${ENTRY}:entry_detail:addenda_record_indicator:too_many_addenda`]);
    const ack = parseBatch('ACK', 220, [entry({ transactionCode: 24, amount: 0, addenda05: ['ONE', 'TWO'] })]);
    assert.deepEqual(where(ack.errors), [`${ENTRY}:entry_detail:addenda_record_indicator:too_many_addenda`]);
  });

  test('TEL entries are debits, but credits in a REVERSAL batch; MTE amounts are above 0; ATX amounts are 0', () => {
    const tel = parseBatch('TEL', 200, [entry(), entry({ transactionCode: 22 })]);
    assert.deepEqual(where(tel.errors), [`${ENTRY + 1}:entry_detail:transaction_code:invalid_transaction_code`]);
    const reversal = parseBatch('TEL', 200, [entry({ transactionCode: 22 }), entry()], { companyEntryDescription: 'REVERSAL' });
    assert.deepEqual(where(reversal.errors), [`${ENTRY + 1}:entry_detail:transaction_code:invalid_transaction_code`]);
    assert.match(reversal.errors[0]!.message, /TEL entries of a REVERSAL batch are credits only/);

    const mte = parseBatch('MTE', 225, [cardEntry('MTE', { amount: 0, rawAddenda: [addenda02(1)] })]);
    assert.deepEqual(where(mte.errors), [`${ENTRY}:entry_detail:amount:invalid_value`]);

    const atx = parseBatch('ATX', 220, [entry({ transactionCode: 21, amount: 500, individualName: '0000' })]);
    assert.deepEqual(where(atx.errors), [`${ENTRY}:entry_detail:amount:amount_must_be_zero`]);
  });

  test('a batch does not mix forward entries and returns; NOCs and OFFSET entries may join either; reported once', () => {
    const mixed = parseBatch('PPD', 225, [entry({ transactionCode: 26, rawAddenda: [addenda99(1)] }), entry(), entry()]);
    assert.deepEqual(where(mixed.errors), [`${ENTRY + 2}:entry_detail:record:mixed_entry_categories`]);
    assert.match(mixed.errors[0]!.message, /a forward entry in a batch whose first entry is a return/);

    const offset = parseBatch('PPD', 225, [entry({ transactionCode: 26, rawAddenda: [addenda99(1)] }), entry({ individualName: 'OFFSET' })]);
    assert.deepEqual(where(offset.errors), []);

    const returns = parseBatch('PPD', 225, [entry({ transactionCode: 26, rawAddenda: [addenda99(1)] }), entry({ transactionCode: 26, rawAddenda: [addenda99(2)] })], {}, { strict: true });
    assert.deepEqual(where(returns.errors), []);
  });

  test('an addenda 98 (notification of change) outside a COR batch is not allowed', () => {
    const noc = ['798', 'C01', '121042880000009', ' '.repeat(6), '23138010', 'NEW ACCOUNT 99'.padEnd(29), ' '.repeat(15), '121042880000001'].join('');
    const ppd = parseBatch('PPD', 220, [entry({ transactionCode: 21, amount: 0, rawAddenda: [noc] })]);
    assert.deepEqual(where(ppd.errors), [`${ENTRY + 1}:addenda_98:addenda_type_code:addenda_type_not_allowed`]);
    const cor = parseBatch('COR', 220, [entry({ transactionCode: 21, amount: 0, rawAddenda: [noc] })], {}, { strict: true });
    assert.deepEqual(where(cor.errors), []);
  });

  test('relaxations do not lift SEC rules, and an unknown transaction code is reported once', () => {
    const result = parseBatch('ARC', 225, [entry({ transactionCode: 25 })], {}, { allowUnknownTransactionCodes: true, skipCheckDigit: true, skipControlTotals: true });
    assert.deepEqual(where(result.errors), []);
    const credit = parseBatch('ARC', 200, [entry({ transactionCode: 25 }), entry({ transactionCode: 20 })], {}, { skipControlTotals: true });
    assert.deepEqual(where(credit.errors), [`${ENTRY}:entry_detail:transaction_code:invalid_transaction_code`, `${ENTRY + 1}:entry_detail:transaction_code:invalid_transaction_code`]);
  });
});

describe('NACHA IAT notifications of change (COR batch with IATCOR)', () => {
  const routing = `23138010${abaCheckDigit('23138010')}`;
  const account = 'DE89370400440532013000';
  function iatCorFile(amount = 0): string[] {
    const fileHeader = writeRecords(simpleFile([entry()])).records[0]!;
    const lines = [
      fileHeader,
      ['5220', 'IATCOR'.padEnd(16), 'FF', '3', ' '.repeat(15), 'US', '1234567890', 'COR', 'CORRECTION', 'USD', 'USD', '240116', '   ', '1', '12104288', '0000001'].join(''),
      ['6', '21', routing, '0001', ' '.repeat(13), String(amount).padStart(10, '0'), account.padEnd(35), '  ', ' ', ' ', '1', '121042880000001'].join(''),
      ['798', 'C01', '121042880000009', ' '.repeat(6), '23138010', 'NEW ACCOUNT 99'.padEnd(29), ' '.repeat(15), '121042880000001'].join(''),
      ['8', '220', '000002', '0023138010', '0'.repeat(12), String(amount).padStart(12, '0'), '1234567890', ' '.repeat(19), ' '.repeat(6), '12104288', '0000001'].join(''),
      ['9', '000001', '000001', '00000002', '0023138010', '0'.repeat(12), String(amount).padStart(12, '0'), ' '.repeat(39)].join(''),
    ];
    for (const line of lines) assert.equal(line.length, 94, line);
    return lines;
  }

  test('reads the header and entries in the IAT layout; the entry is a notification of change, not a record', () => {
    const result = parseNacha(iatCorFile().join('\n'), { strict: true });
    assert.deepEqual(where(result.errors), []);
    assert.equal(result.ok, true);
    const header = result.batchHeaders[0]!;
    assert.equal(header.secCode, 'COR');
    assert.equal(header.iat?.iatIndicator, 'IATCOR');
    assert.equal(header.iat?.isoDestinationCountryCode, 'US');
    assert.equal(header.companyName, '');
    const [noc] = result.entries;
    // The account number is read from the IAT positions 40-74, of which only the last four are kept.
    assert.equal(noc!.accountLast4, '3000');
    assert.equal(noc!.isNotificationOfChange, true);
    assert.equal(noc!.changeCode, 'C01');
    assert.equal(noc!.isMonetary, false);
    assert.deepEqual(result.excluded, { notificationOfChange: 1, prenote: 0, zeroAmount: 0, total: 1 });
  });

  test('an amount on an IAT notification of change is the usual warning', () => {
    const result = parseNacha(iatCorFile(500).join('\n'));
    assert.deepEqual(where(result.errors), []);
    assert.deepEqual(where(result.warnings), ['3:entry_detail:amount:amount_on_notification_of_change']);
  });

  test('a COR batch without IATCOR keeps the domestic layout', () => {
    const lines = iatCorFile();
    lines[1] = `5220${' '.repeat(16)}${lines[1]!.slice(20)}`;
    const result = parseNacha(lines.join('\n'));
    assert.equal(result.batchHeaders[0]!.iat, null);
    // Positions 13-29 are the domestic account number: here the IAT number of addenda records.
    assert.equal(result.entries[0]!.accountLast4, '0001');
  });
});
