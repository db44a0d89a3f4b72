import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entryToRecordFields, parseNacha } from '../../src/formats/nacha/index.js';
import { listAch, readAch, readFixture, requireTestdata } from './testdata.js';

function records(data: Buffer | string, perspective?: 'receiver' | 'originator') {
  const result = parseNacha(data);
  assert.ok(result.fileHeader);
  const file = result.fileHeader;
  return result.entries.filter((e) => e.isMonetary).map((e) => entryToRecordFields(e, file, perspective === undefined ? {} : { perspective }));
}

describe('NACHA entry -> record fields (SPEC section 5)', () => {
  test('a payroll credit', () => {
    const [first] = records(readFixture('crlf.ach'));
    assert.ok(first);
    const { external_id: externalId, ...rest } = first;
    assert.deepEqual(rest, {
      date: '2024-01-16',
      amount: 250075,
      direction: 'credit',
      currency: 'USD',
      description: 'JANE DOE',
      metadata: {
        sec_code: 'PPD',
        transaction_code: '22',
        company_name: 'ACME PAYROLL',
        company_id: '1121042882',
        company_entry_description: 'PAYROLL',
        individual_id: 'EMP-001',
        receiving_dfi: '231380104',
        account_last4: '6789',
        trace_number: '121042880000001',
        batch_number: 1,
      },
    });
    assert.match(externalId, /^nacha:121042882:2401150930:B:121042880000001:[0-9a-f]{16}$/);
  });

  test('addenda payment information and return reason codes go to metadata', () => {
    const all = records(readFixture('crlf.ach'));
    assert.equal(all[1]?.metadata['addenda_payment_info'], 'BONUS Q4');
    const nonMonetary = records(readFixture('non-monetary.ach'));
    assert.equal(nonMonetary.length, 2, 'prenotes, zero-dollar entries and NOCs are not records');
    const returned = nonMonetary[1];
    assert.equal(returned?.metadata['return_reason_code'], 'R01');
    assert.equal(returned?.direction, 'debit');
  });

  test('the date falls back to the file creation date when the batch has no effective date', () => {
    const returned = records(readFixture('non-monetary.ach'))[1];
    assert.equal(returned?.date, '2024-03-01');
  });

  test('perspective=originator reverses the direction and nothing else', () => {
    const receiver = records(readFixture('crlf.ach'));
    const originator = records(readFixture('crlf.ach'), 'originator');
    assert.deepEqual(originator.map((r) => r.direction), receiver.map((r) => (r.direction === 'credit' ? 'debit' : 'credit')));
    assert.deepEqual(originator.map((r) => r.external_id), receiver.map((r) => r.external_id));
  });

  test('the full account number appears nowhere in a record', () => {
    const data = readFixture('crlf.ach');
    // (The fourth account, 123456789, is also a prefix of an amount: it cannot be searched for.)
    const accounts = ['9876543210', '5551212', 'AB-778899'];
    for (const record of records(data)) {
      const json = JSON.stringify(record);
      for (const account of accounts) assert.ok(!json.includes(account), `${account} in ${json}`);
    }
    // Nor in the parsed entries (unless asked for).
    const json = JSON.stringify(parseNacha(data).entries);
    for (const account of accounts) assert.ok(!json.includes(account));
  });

  test('the same file always gives the same ids; a changed entry gives a new one', () => {
    const data = readFixture('crlf.ach');
    const a = records(data).map((r) => r.external_id);
    const b = records(data).map((r) => r.external_id);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, a.length);
    const lf = records(readFixture('no-padding.ach')).map((r) => r.external_id);
    assert.deepEqual(lf, a, 'line ends and padding do not change ids');
    const changed = records(data.toString('latin1').replace('0000250075', '0000250076').replace('000000250175', '000000250176').replace('000000250175', '000000250176')).map((r) => r.external_id);
    assert.notEqual(changed[0], a[0]);
    assert.deepEqual(changed.slice(1), a.slice(1));
  });

  test('two corpus files with the same identity and trace numbers get different ids', (t) => {
    if (!requireTestdata(t)) return;
    const credit = records(readAch('valid', 'segmentFile-ppd-credit.ach'));
    const debit = records(readAch('valid', 'segmentFile-ppd-debit.ach'));
    // NACHA's identity parts alone collide here ...
    const prefix = (id: string): string => id.split(':').slice(0, 5).join(':');
    assert.equal(prefix(credit[0]!.external_id), prefix(debit[0]!.external_id));
    // ... the fingerprint keeps them apart.
    assert.notEqual(credit[0]!.external_id, debit[0]!.external_id);
  });

  test('ids are unique across the whole valid corpus', (t) => {
    if (!requireTestdata(t)) return;
    const seen = new Map<string, string>();
    for (const name of listAch('valid')) {
      for (const record of records(readAch('valid', name))) {
        const other = seen.get(record.external_id);
        assert.equal(other, undefined, `${record.external_id} in ${name} and ${other}`);
        seen.set(record.external_id, name);
      }
    }
    assert.ok(seen.size > 50);
  });

  test('IAT: receiver name as description, originator name as company name', (t) => {
    if (!requireTestdata(t)) return;
    const [record] = records(readAch('valid', 'iat-credit.ach'));
    assert.equal(record?.description, 'BEK Enterprises');
    assert.equal(record?.metadata['company_name'], 'BEK Solutions');
    assert.equal(record?.metadata['individual_id'], '987465493213987');
  });

  test('SEC codes without a name field give a null description', (t) => {
    if (!requireTestdata(t)) return;
    assert.equal(records(readAch('valid', 'trc-debit.ach'))[0]?.description, null);
    assert.equal(records(readAch('valid', 'shr-debit.ach'))[0]?.description, null);
  });
});
