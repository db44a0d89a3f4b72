import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CAMT053_ERROR_CODES,
  CAMT053_WARNING_CODES,
  Camt053Reader,
  entryToRecordFields,
  parseCamt053,
  parseCamt053Stream,
  type Camt053Entry,
  type Camt053Result,
} from '../../src/formats/camt053/index.js';
import { hasTestdata, TESTDATA_ROOT } from '../support/shared.js';
import { balanced, fromUnits, toUnits, VERSIONS, writeMessage, type EntrySpec, type MessageSpec, type StatementSpec, type Version } from './writer.js';

const CAMT = join(TESTDATA_ROOT, 'camt053');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = hasTestdata() ? false : `testdata not found at ${TESTDATA_ROOT} (set SLUICE_TESTDATA)`;
const files = (dir: string) => (hasTestdata() ? readdirSync(join(CAMT, dir)).filter((f) => f.endsWith('.xml')).sort() : []);
const KNOWN_CODES = new Set([...Object.keys(CAMT053_ERROR_CODES), ...Object.keys(CAMT053_WARNING_CODES)]);

/** Feeds the input in pieces of the given sizes (cycled), as a socket would deliver it. */
function read(data: Buffer, sizes: number[] = [data.length], options = {}): { entries: Camt053Entry[]; result: Camt053Result } {
  const entries: Camt053Entry[] = [];
  const reader = new Camt053Reader(options, { entry: (e) => entries.push(e) });
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    reader.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return { entries, result: reader.end() };
}

const codes = (r: Camt053Result) => r.errors.map((e) => e.code);
const ns = (v = '02') => `urn:iso:std:iso:20022:tech:xsd:camt.053.001.${v}`;
const IBAN = 'DE89370400440532013000';

function oneEntry(version: Version = '04', entry: Partial<EntrySpec> = {}): string {
  return writeMessage({
    version,
    messageId: 'M1',
    statements: [balanced({ id: 'S1', iban: IBAN, currency: 'EUR', opening: 0n, entries: [{ amount: '1.00', currency: 'EUR', direction: 'CRDT', ...entry }] })],
  });
}

/** The one entry's amount written as `text`, its balances unchanged. */
const amountText = (text: string) => oneEntry('04').replace('<Ntry><Amt Ccy="EUR">1.00</Amt>', `<Ntry><Amt Ccy="EUR">${text}</Amt>`);

describe('camt.053 reader: the shared files', { skip }, () => {
  test('every valid file reads without error, its entries in order, whatever the chunking', () => {
    for (const name of files('valid')) {
      const data = readFileSync(join(CAMT, 'valid', name));
      const whole = read(data);
      assert.equal(whole.result.ok, true, `${name}: ${JSON.stringify(whole.result.errors)}`);
      assert.equal(whole.entries.length, (data.toString().match(/<Ntry>/g) ?? []).length, name);
      for (const sizes of [[1], [7, 3], [100]]) {
        const pieces = read(data, sizes);
        assert.deepEqual(pieces.entries.map((e) => entryToRecordFields(e)), whole.entries.map((e) => entryToRecordFields(e)), `${name} in pieces of ${sizes}`);
        assert.deepEqual(pieces.result.warnings, whole.result.warnings);
      }
    }
  });

  test('every invalid file is rejected with a located error', () => {
    for (const name of files('invalid')) {
      const { result } = read(readFileSync(join(CAMT, 'invalid', name)));
      assert.equal(result.ok, false, name);
      assert.ok(result.errors[0]!.line > 0 && result.errors[0]!.path.length > 0, name);
      assert.ok(KNOWN_CODES.has(result.errors[0]!.code));
    }
  });

  test('a valid file cut off anywhere is a named error, never a throw', () => {
    const data = readFileSync(join(CAMT, 'valid', 'camt053.v2.multi.statement.xml'));
    for (let cut = 0; cut < data.length - 1; cut += 7) {
      const { result } = read(data.subarray(0, cut), [13]);
      assert.equal(result.ok, false, `cut at ${cut}`);
      assert.ok(['xml_truncated', 'invalid_utf8', 'xml_malformed'].includes(result.errors[0]!.code), `cut at ${cut}: ${result.errors[0]!.code}`);
    }
  });
});

describe('camt.053 reader: hostile and malformed input', () => {
  test('a billion-laughs DTD is refused at the DOCTYPE, before any entity', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><Document xmlns="${ns()}">&lol9;</Document>`;
    const { result } = read(Buffer.from(lol));
    assert.deepEqual(codes(result), ['xml_dtd_forbidden']);
  });

  test('an external entity is refused; its file is never read', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Document xmlns="${ns()}"><BkToCstmrStmt><GrpHdr><MsgId>&xxe;</MsgId></GrpHdr></BkToCstmrStmt></Document>`;
    const { result } = read(Buffer.from(xxe));
    assert.deepEqual(codes(result), ['xml_dtd_forbidden']);
    assert.ok(!JSON.stringify(result).includes('root:'));
  });

  test('an entity without a DTD is malformed XML', () => {
    const { result } = read(Buffer.from(oneEntry('04').replace('<MsgId>M1</MsgId>', '<MsgId>&foo;</MsgId>')));
    assert.deepEqual(codes(result), ['xml_malformed']);
  });

  test('a huge text node or attribute stops at the token limit, having buffered no more than it', () => {
    const big = `<Document xmlns="${ns()}"><BkToCstmrStmt><GrpHdr><MsgId>${'x'.repeat(300_000)}</MsgId></GrpHdr></BkToCstmrStmt></Document>`;
    assert.deepEqual(codes(read(Buffer.from(big), [65536], { maxTokenLength: 100_000 }).result), ['xml_token_too_long']);
    const attr = `<Document xmlns="${ns()}" a="${'y'.repeat(300_000)}"></Document>`;
    assert.deepEqual(codes(read(Buffer.from(attr), [65536], { maxTokenLength: 100_000 }).result), ['xml_token_too_long']);
    const comment = `<Document xmlns="${ns()}"><!--${'z'.repeat(300_000)}--></Document>`;
    assert.deepEqual(codes(read(Buffer.from(comment), [65536], { maxTokenLength: 100_000 }).result), ['xml_token_too_long']);
  });

  test('deep nesting stops at 64 levels', () => {
    const deep = `<Document xmlns="${ns()}">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</Document>`;
    assert.deepEqual(codes(read(Buffer.from(deep)).result), ['xml_too_deep']);
  });

  test('wrong namespace, another message, no namespace, an unsupported version', () => {
    const text = oneEntry('04');
    assert.deepEqual(codes(read(Buffer.from(text.replace('camt.053.001.04', 'camt.054.001.04'))).result), ['wrong_namespace']);
    assert.match(read(Buffer.from(text.replace('camt.053.001.04', 'camt.052.001.04'))).result.errors[0]!.message, /camt\.052 message/);
    assert.deepEqual(codes(read(Buffer.from(text.replace(` xmlns="${ns('04')}"`, ''))).result), ['wrong_namespace']);
    assert.deepEqual(codes(read(Buffer.from(text.replace('camt.053.001.04', 'camt.053.001.01'))).result), ['unsupported_version']);
    assert.deepEqual(codes(read(Buffer.from('<pain xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>')).result), ['wrong_namespace']);
  });

  test('a prefixed namespace reads like a default one; a prefix of another namespace does not', () => {
    const prefixed = oneEntry('04').replace(/<(\/?)(?=[A-Za-z])/g, '<$1c:').replace(`xmlns="${ns('04')}"`, `xmlns:c="${ns('04')}"`);
    const { result, entries } = read(Buffer.from(prefixed));
    assert.equal(result.ok, true, JSON.stringify(result.errors));
    assert.equal(entries.length, 1);
    // The entry is not read, so the statement no longer adds up either: the first error says why.
    assert.equal(codes(read(Buffer.from(prefixed.replace('<c:Ntry>', '<c:Ntry xmlns:c="urn:other">'))).result)[0], 'unexpected_namespace');
    assert.equal(codes(read(Buffer.from(prefixed.replace(/<(\/?)c:Ntry>/g, '<$1d:Ntry>'))).result)[0], 'unexpected_namespace');
  });

  test('not UTF-8, another declared encoding, empty input, text that is no XML', () => {
    const latin1 = Buffer.from(oneEntry('04').replace('M1', 'Müller'), 'latin1');
    assert.deepEqual(codes(read(latin1).result), ['invalid_utf8']);
    assert.deepEqual(codes(read(Buffer.from(oneEntry('04').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'))).result), ['xml_encoding_unsupported']);
    assert.deepEqual(codes(read(Buffer.alloc(0)).result), ['xml_truncated']);
    assert.deepEqual(codes(read(Buffer.from('date,amount\n2024-01-01,1\n')).result), ['xml_malformed']);
    // A byte order mark is fine.
    assert.equal(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(oneEntry('04'))])).result.ok, true);
  });

  test('missing and repeated elements, bad amounts, codes and currencies are located', () => {
    const cases: Array<[string, string, string]> = [
      [oneEntry('04').replace(/<Amt Ccy="EUR">1.00<\/Amt><CdtDbtInd>CRDT<\/CdtDbtInd><Sts>/, '<CdtDbtInd>CRDT</CdtDbtInd><Sts>'), 'missing_element', 'Stmt[1]/Ntry[1]'],
      [oneEntry('04').replace('<Sts>BOOK</Sts>', ''), 'missing_element', 'Stmt[1]/Ntry[1]'],
      [oneEntry('04').replace('<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>', '<Amt Ccy="EUR">1.00</Amt><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>'), 'duplicate_element', 'Stmt[1]/Ntry[1]/Amt'],
      [amountText('-1.00'), 'invalid_amount', 'Stmt[1]/Ntry[1]/Amt'],
      [amountText('1,00'), 'invalid_amount', 'Stmt[1]/Ntry[1]/Amt'],
      [amountText('1.000001'), 'invalid_amount', 'Stmt[1]/Ntry[1]/Amt'],
      [amountText('1234567890123456789'), 'invalid_amount', 'Stmt[1]/Ntry[1]/Amt'],
      [amountText(''), 'invalid_amount', 'Stmt[1]/Ntry[1]/Amt'],
      [oneEntry('04', { currency: 'eur' }), 'invalid_currency_code', 'Stmt[1]/Ntry[1]/Amt'],
      [oneEntry('04').replace('<Ntry><Amt Ccy="EUR">', '<Ntry><Amt>'), 'invalid_currency_code', 'Stmt[1]/Ntry[1]/Amt'],
      [oneEntry('04').replace('<CdtDbtInd>CRDT</CdtDbtInd><Sts>', '<CdtDbtInd>CREDIT</CdtDbtInd><Sts>'), 'invalid_code', 'Stmt[1]/Ntry[1]/CdtDbtInd'],
      [oneEntry('04').replace('<Sts>', '<RvslInd>maybe</RvslInd><Sts>'), 'invalid_code', 'Stmt[1]/Ntry[1]/RvslInd'],
      [oneEntry('04').replace(/<Acct>.*?<\/Acct>/, ''), 'missing_element', 'Stmt[1]/Bal[1]'],
      [oneEntry('04').replace('<Id>S1</Id>', ''), 'missing_element', 'Stmt[1]/Bal[1]'],
      [oneEntry('04').replace('<Id>S1</Id>', `<Id>${'S'.repeat(36)}</Id>`), 'invalid_identifier', 'Stmt[1]/Bal[1]'],
      [oneEntry('04').replace('<MsgId>M1</MsgId>', ''), 'missing_element', 'Stmt[1]'],
      [oneEntry('04').replace(/<GrpHdr>.*?<\/GrpHdr>/, ''), 'missing_element', 'Stmt[1]'],
      [oneEntry('04').replace('<Ntry>', '<Ntry xmlns="urn:other">'), 'unexpected_namespace', 'Stmt[1]/Ntry'],
      // Wrong order: the group header after the statement, the account after the entries.
      [oneEntry('04').replace(/(<GrpHdr>.*?<\/GrpHdr>)\n([\s\S]*)(<\/BkToCstmrStmt>)/, '$2$1$3'), 'missing_element', 'Stmt[1]'],
      [oneEntry('04').replace(/(<Acct>.*?<\/Acct>)([\s\S]*)(<\/Stmt>)/, '$2$1$3'), 'missing_element', 'Stmt[1]/Bal[1]'],
      [oneEntry('04').replace('<NbOfNtries>1</NbOfNtries>', '<NbOfNtries>2</NbOfNtries>'), 'summary_mismatch', 'Stmt[1]/TxsSummry'],
      [oneEntry('04').replace('<TtlNetNtry><Amt>1.00</Amt><CdtDbtInd>CRDT', '<TtlNetNtry><Amt>1.00</Amt><CdtDbtInd>DBIT'), 'summary_mismatch', 'Stmt[1]/TxsSummry'],
      [oneEntry('04').replace(/<Cd>CLBD<\/Cd><\/CdOrPrtry><\/Tp><Amt Ccy="EUR">1.00/, '<Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.01'), 'balance_mismatch', 'Stmt[1]/Bal(CLBD)'],
    ];
    for (const [text, code, path] of cases) {
      const { result, entries } = read(Buffer.from(text));
      assert.equal(result.ok, false, `${code}: ${path}`);
      assert.equal(result.errors[0]!.code, code, `${code} ${path}: ${JSON.stringify(result.errors)}`);
      assert.equal(result.errors[0]!.path, path, code);
      assert.ok(result.errors[0]!.line >= 1);
      assert.ok(!JSON.stringify(result.errors).includes(IBAN), 'no account identifier in an error');
      if (code !== 'balance_mismatch' && code !== 'summary_mismatch') assert.equal(entries.length, 0, `${code}: nothing handed on after an error`);
    }
  });

  test('errors stop at 100 with too_many_errors', () => {
    const entries: EntrySpec[] = Array.from({ length: 150 }, () => ({ amount: 'x', currency: 'EUR', direction: 'CRDT' }));
    const { result } = read(Buffer.from(writeMessage({ version: '05', messageId: 'M', statements: [{ id: 'S', iban: IBAN, balances: [], entries }] })));
    assert.equal(result.errors.length, 101);
    assert.equal(result.errors[100]!.code, 'too_many_errors');
  });

  test('pending entries are counted, not handed on as booked; balances count booked entries only', () => {
    const text = writeMessage({
      version: '08',
      messageId: 'M',
      statements: [balanced({ id: 'S', iban: IBAN, currency: 'EUR', opening: 500_000n, entries: [{ amount: '2.00', currency: 'EUR', direction: 'DBIT' }, { amount: '9.00', currency: 'EUR', direction: 'CRDT', status: 'PDNG' }] })],
    });
    const { result, entries } = read(Buffer.from(text));
    assert.equal(result.ok, true, JSON.stringify(result.errors));
    assert.deepEqual(entries.map((e) => e.booked), [true, false]);
    assert.deepEqual(result.statements[0]!.excluded, { PDNG: 1 });
    assert.equal(result.recordCount, 1);
  });
});

// ---------- property tests ----------

const CURRENCIES: Array<[string, number]> = [['EUR', 2], ['JPY', 0], ['BHD', 3], ['CHF', 2]];
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .&<>"'-]{0,30}$/);
const decimalOf = (decimals: number) => fc.bigInt({ min: 1n, max: 10n ** 12n }).map((n) => fromUnits(n * 10n ** BigInt(5 - decimals), decimals));

const detailArb = (currency: string, decimals: number) =>
  fc.record({
    amount: decimalOf(decimals),
    direction: fc.constantFrom<'CRDT' | 'DBIT'>('CRDT', 'DBIT'),
    endToEndId: fc.stringMatching(/^[A-Z0-9]{1,20}$/),
    debtorName: name,
    creditorName: name,
    ustrd: fc.array(name, { maxLength: 2 }),
    currency: fc.constant(currency),
  });

// Version 2 details carry no CdtDbtInd of their own (they take the entry's): all go one way there.
const entryArb = (currency: string, decimals: number, oneWay: boolean): fc.Arbitrary<EntrySpec> =>
  fc
    .record({
      direction: fc.constantFrom<'CRDT' | 'DBIT'>('CRDT', 'DBIT'),
      amount: decimalOf(decimals),
      status: fc.constantFrom('BOOK', 'BOOK', 'BOOK', 'PDNG'),
      bookingDate: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      ref: fc.option(fc.stringMatching(/^[A-Z0-9]{1,16}$/), { nil: undefined }),
      domain: fc.option(fc.constant<[string, string, string]>(['PMNT', 'RCDT', 'ESCT']), { nil: undefined }),
      details: fc.array(detailArb(currency, decimals), { maxLength: 3 }),
    })
    .map((e) => {
      if (oneWay) for (const d of e.details) d.direction = e.details[0]!.direction;
      // Several details that add up to the entry, as a batch booking carries them: the entry is their signed sum.
      if (e.details.length > 1) {
        let net = 0n;
        for (const d of e.details) net += (d.direction === 'CRDT' ? 1n : -1n) * toUnits(d.amount);
        if (net === 0n) e.details[0]!.amount = fromUnits(toUnits(e.details[0]!.amount) + 10n ** BigInt(5 - decimals), decimals);
        net = 0n;
        for (const d of e.details) net += (d.direction === 'CRDT' ? 1n : -1n) * toUnits(d.amount);
        return { ...e, currency, amount: fromUnits(net < 0n ? -net : net, decimals), direction: net < 0n ? ('DBIT' as const) : ('CRDT' as const) };
      }
      return { ...e, currency };
    });

const statementArb = (oneWay: boolean) => fc.constantFrom(...CURRENCIES).chain(([currency, decimals]) =>
  fc
    .record({
      entries: fc.array(entryArb(currency, decimals, oneWay), { maxLength: 8 }),
      opening: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }).map((n) => n * 10n ** BigInt(5 - decimals)),
      id: fc.stringMatching(/^[A-Z0-9]{1,20}$/),
      iban: fc.stringMatching(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,26}$/),
      summary: fc.boolean(),
    })
    .map((s): StatementSpec => balanced({ id: s.id, iban: s.iban, currency, opening: s.opening, entries: s.entries }, decimals, s.summary)),
);

const messageArb: fc.Arbitrary<MessageSpec> = fc.constantFrom(...VERSIONS).chain((version) =>
  fc.record({
    version: fc.constant(version),
    messageId: fc.stringMatching(/^[A-Za-z0-9-]{1,35}$/),
    statements: fc.array(statementArb(version === '02'), { minLength: 1, maxLength: 3 }),
  }),
);

describe('camt.053 reader: properties', () => {
  test('a random valid message reads back exactly: every entry, amount, direction, date and balance', () => {
    fc.assert(
      fc.property(messageArb, fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 5 }), (message, sizes) => {
        const text = writeMessage(message);
        const { entries, result } = read(Buffer.from(text), sizes);
        assert.equal(result.ok, true, JSON.stringify(result.errors));
        assert.equal(result.warningCount, 0, JSON.stringify(result.warnings));
        assert.equal(result.statementCount, message.statements.length);
        const expected = message.statements.flatMap((s, si) => s.entries.map((e, ei) => ({ s: si + 1, e: ei + 1, spec: e })));
        assert.equal(entries.length, expected.length);
        let records = 0;
        for (const [k, entry] of entries.entries()) {
          const { s, e, spec } = expected[k]!;
          assert.equal(entry.statement.index, s);
          assert.equal(entry.index, e);
          assert.equal(entry.amount.value, toUnits(spec.amount));
          assert.equal(entry.amount.currency, spec.currency);
          assert.equal(entry.direction, spec.direction === 'CRDT' ? 'credit' : 'debit');
          assert.equal(entry.booked, (spec.status ?? 'BOOK') === 'BOOK');
          const fields = entryToRecordFields(entry);
          assert.equal(fields.length, entry.split ? spec.details!.length : 1);
          assert.equal(entry.split, (spec.details?.length ?? 0) > 1);
          // The records of an entry add up to it, in minor units.
          const decimals = CURRENCIES.find(([c]) => c === spec.currency)![1];
          const net = fields.reduce((n, f) => n + (f.direction === entry.direction ? 1 : -1) * (f.amount as number), 0);
          assert.equal(BigInt(net) * 10n ** BigInt(5 - decimals), toUnits(spec.amount));
          for (const f of fields) {
            assert.equal(f.date, spec.bookingDate);
            assert.ok(!f.external_id.includes(message.statements[s - 1]!.iban));
          }
          if (entry.booked) records += fields.length;
        }
        assert.equal(result.recordCount, records);
        for (const st of result.statements) assert.equal(st.balanceCheck, 'ok');
        // External ids are unique within the file.
        const ids = entries.flatMap((en) => entryToRecordFields(en).map((f) => f.external_id));
        assert.equal(new Set(ids).size, ids.length);
      }),
      { numRuns: 100 },
    );
  });

  test('a random valid message with one amount changed is rejected (its balances or summary no longer add up)', () => {
    fc.assert(
      fc.property(
        messageArb.filter((m) => m.statements.some((s) => s.entries.some((e) => (e.status ?? 'BOOK') === 'BOOK'))),
        (message) => {
          const s = message.statements.find((st) => st.entries.some((e) => (e.status ?? 'BOOK') === 'BOOK'))!;
          const e = s.entries.find((en) => (en.status ?? 'BOOK') === 'BOOK')!;
          const decimals = CURRENCIES.find(([c]) => c === e.currency)![1];
          e.amount = fromUnits(toUnits(e.amount) + 10n ** BigInt(5 - decimals), decimals);
          e.details = [];
          const { result } = read(Buffer.from(writeMessage(message)));
          assert.equal(result.ok, false);
          assert.ok(['balance_mismatch', 'summary_mismatch'].includes(result.errors[0]!.code));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('any bytes at all: the reader ends with a result, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.string({ maxLength: 2000 }).map((s) => Buffer.from(s))), (bytes) => {
        const { result } = read(Buffer.from(bytes), [37]);
        for (const e of result.errors) assert.ok(KNOWN_CODES.has(e.code), e.code);
      }),
      { numRuns: 200 },
    );
  });

  test('a valid message mutated anywhere (a byte dropped, doubled or replaced): a result, never a throw', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 127 }), (message, at, kind, byte) => {
        const data = Buffer.from(writeMessage(message));
        const i = at % data.length;
        const mutated = kind === 0 ? Buffer.concat([data.subarray(0, i), data.subarray(i + 1)]) : kind === 1 ? Buffer.concat([data.subarray(0, i + 1), data.subarray(i)]) : Buffer.concat([data.subarray(0, i), Buffer.from([byte]), data.subarray(i + 1)]);
        const { result } = read(mutated, [64]);
        for (const e of result.errors) assert.ok(KNOWN_CODES.has(e.code), e.code);
      }),
      { numRuns: 100 },
    );
  });
});

describe('camt.053 reader: comments, processing instructions and speed', () => {
  test('comments and processing instructions anywhere change nothing that is read', () => {
    const plain = oneEntry('04');
    const decorated = plain
      .replace('?>', '?><!-- exported by a bank --><?bank-export v="2"?>')
      .replaceAll('<Ntry>', '<!-- entry --><?pi x?><Ntry>')
      .replaceAll('</Amt>', '</Amt><!--after the amount-->');
    assert.notEqual(decorated, plain);
    const a = read(Buffer.from(plain));
    const b = read(Buffer.from(decorated), [7, 64, 3]);
    assert.deepEqual(codes(b.result), []);
    assert.deepEqual(b.entries.map((e) => entryToRecordFields(e)), a.entries.map((e) => entryToRecordFields(e)));
  });

  test('an XML declaration naming another encoding is reported at its place, line 1 column 1', () => {
    const r = read(Buffer.from(oneEntry('04').replace('encoding="UTF-8"', 'encoding="windows-1252"'))).result;
    assert.deepEqual(r.errors.map((e) => [e.code, e.line, e.column, e.path]), [['xml_encoding_unsupported', 1, 1, 'xml']]);
    assert.match(r.errors[0]!.message, /"windows-1252"/);
  });

  test("saxes' parser object keeps V8's fast properties (an eighth handler would make it a dictionary, several times slower)", () => {
    // %HasFastProperties needs V8's natives syntax, so a child process of its own asks it.
    const script = [
      "import { Camt053Reader } from './src/formats/camt053/reader.ts';",
      'const reader = new Camt053Reader({}, { entry() {} });',
      "reader.push('<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">');",
      "console.log(JSON.stringify(%HasFastProperties(reader['parser'])));",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(out.trim(), 'true');
  });
});

describe('camt.053 reader: streaming', () => {
  test('parseCamt053Stream yields entries before the end and the result last; the whole-text reader agrees', async () => {
    const text = writeMessage({
      version: '06',
      messageId: 'STREAM',
      statements: [balanced({ id: 'S', iban: IBAN, currency: 'EUR', opening: 0n, entries: Array.from({ length: 50 }, (_, i) => ({ amount: `${i + 1}.00`, currency: 'EUR', direction: 'CRDT' as const })) })],
    });
    const data = Buffer.from(text);
    async function* pieces() {
      for (let i = 0; i < data.length; i += 500) yield data.subarray(i, i + 500);
    }
    const batches: string[][] = [];
    for await (const events of parseCamt053Stream(pieces())) batches.push(events.map((e) => e.type));
    assert.ok(batches.length > 2);
    assert.equal(batches.flat().filter((t) => t === 'entry').length, 50);
    assert.equal(batches.at(-1)!.at(-1), 'end');
    assert.equal(parseCamt053(text).result.entryCount, 50);
  });
});
