import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { PUBLIC_DIR } from '../src/dashboard/assets.js';

// The dashboard's pure modules (plain browser ES modules, no DOM needed) run here as they run in the page.

const load = async (file: string) => import(pathToFileURL(join(PUBLIC_DIR, 'js', file)).href);

test('amounts are formatted from minor units with the currency decimals, exactly, even beyond 2^53 / 100', async () => {
  const { formatMinor, signedAmount } = await load('format.js');
  assert.equal(formatMinor(123456, 2), '1,234.56');
  assert.equal(formatMinor(-5, 2), '-0.05');
  assert.equal(formatMinor(0, 2), '0.00');
  assert.equal(formatMinor(1234, 0), '1,234');
  assert.equal(formatMinor(1, 3), '0.001');
  assert.equal(formatMinor(1234567, 3), '1,234.567');
  assert.equal(formatMinor(9007199254740991, 2), '90,071,992,547,409.91');
  assert.equal(signedAmount({ amount: 1156210, direction: 'debit', currency: 'USD', decimal_places: 2 }), '-11,562.10 USD');
  assert.equal(signedAmount({ amount: 500, direction: 'credit', currency: 'JPY', decimal_places: 0 }), '500 JPY');
});

test('account-like metadata shows at most its last four characters', async () => {
  const { maskValue, metadataPairs } = await load('format.js');
  assert.equal(maskValue('account_number', '000123456789'), '••••6789');
  assert.equal(maskValue('Account Number', '1234 5678 9012'), '••••9012');
  assert.equal(maskValue('iban', 'DE89370400440532013000'), '••••3000');
  assert.equal(maskValue('account_last4', '6789'), '6789');
  assert.equal(maskValue('acct', '123'), '123');
  assert.equal(maskValue('category', '000123456789'), '000123456789');
  assert.deepEqual(metadataPairs({ account: 12345678, note: 'x' }), [['account', '••••5678'], ['note', 'x']]);
});

test('the CSV preview reads quoted fields, guesses the delimiter, the mapping and the date layout', async () => {
  const { parseCsv, guessDelimiter, guessMapping, guessDateFormat } = await load('file-preview.js');
  const rows = parseCsv('Posting Date;Amount;Memo\r\n01/31/2026;"1,5";"say ""hi""\nthere"\n\n;;\n13/01/2026;2;x\n', ';');
  assert.deepEqual(rows, [['Posting Date', 'Amount', 'Memo'], ['01/31/2026', '1,5', 'say "hi"\nthere'], ['13/01/2026', '2', 'x']]);
  assert.equal(guessDelimiter('a;b;c'), ';');
  assert.equal(guessDelimiter('a\tb\tc,d'), '\t');
  assert.deepEqual(guessMapping(['Posting Date', 'Amount', 'Memo', 'Reference']), { date: 'Posting Date', amount: 'Amount', description: 'Memo', external_id: 'Reference' });
  assert.equal(guessDateFormat(rows.slice(0, 2), 0), 'MM/DD/YYYY');
  assert.equal(guessDateFormat(rows, 0), 'DD/MM/YYYY');
  assert.equal(guessDateFormat([['date'], ['2026-01-31']], 0), 'YYYY-MM-DD');
});

test('event streams are parsed as the SSE format says: ids, names, multi-line data, comments, partial blocks', async () => {
  const { parseEvents } = await load('live.js');
  const { events, rest } = parseEvents('retry: 2000\n\n: keep-alive\n\nid: 5\nevent: progress\ndata: {"a":\ndata: 1}\n\nid: 9\r\nevent: completed\r\ndata: {}\r\n\r\nid: 10\ndata: {"par');
  assert.deepEqual(
    events.map((e: { id?: string; event: string; data: string; retry?: number }) => [e.id, e.event, e.data, e.retry]),
    [
      [undefined, 'message', '', 2000],
      ['5', 'progress', '{"a":\n1}', undefined],
      ['9', 'completed', '{}', undefined],
    ],
  );
  assert.equal(rest, 'id: 10\ndata: {"par');
});

test('hash routes carry the path and the filters, never anything secret', async () => {
  const { parseHash, href } = await load('router.js');
  assert.deepEqual(parseHash('#/requests/42?offset=50'), { path: '/requests/42', parts: ['requests', '42'], query: { offset: '50' } });
  assert.deepEqual(parseHash(''), { path: '/', parts: [], query: {} });
  assert.equal(href('/requests', { status: 'failed', stuck: '', source: undefined }), '#/requests?status=failed');
  assert.deepEqual(parseHash('#/streams/a%2Fb/records').parts, ['streams', 'a/b', 'records']);
});

test('a dropped file is told apart as the server would: NACHA, BAI2 and camt.053 before CSV (all have commas)', async () => {
  const { sniff } = await load('file-preview.js');
  const file = (name: string, text: string) => new Blob([text]) as Blob & { name: string };
  const named = (name: string, text: string) => Object.assign(file(name, text), { name });
  const nacha = `101 091000019 1234567890${'0'.repeat(70)}\n`; // a 94-character file header
  const cases: Array<[string, string, string, string]> = [
    ['export.csv', 'date,amount\n2026-01-01,1.00\n', 'csv', 'text/csv'],
    ['payroll.ach', nacha, 'nacha', 'application/vnd.nacha'],
    ['payroll.txt', nacha, 'nacha', 'application/vnd.nacha'],
    ['statement.txt', '01,BANK,CUST,260101,0800,1,,,2/\n02,CUST,BANK,1,260101,,USD,2/\n', 'bai2', 'application/x-bai2'],
    ['statement.bai', 'anything', 'bai2', 'application/x-bai2'],
    ['camt.xml', 'x', 'camt053', 'application/xml'],
    ['statement', '\uFEFF<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">a,b</Document>', 'camt053', 'application/xml'],
    ['notes.txt', 'one line of plain text', 'csv', 'text/csv'],
    ['blob.bin', 'nothing telling', 'unknown', 'application/octet-stream'],
  ];
  for (const [name, text, format, contentType] of cases) {
    const got = await sniff(named(name, text));
    assert.deepEqual([got.format, got.contentType], [format, contentType], name);
  }
});

test("the dashboard's event types are the server's, and the checkboxes become the API's enabled_events", async () => {
  const { EVENT_TYPES: SERVER } = await import('../src/webhooks/event-types.js');
  const { EVENT_TYPES, enabledEventsFrom, describeEvents } = await load('webhook-events.js');
  assert.deepEqual(EVENT_TYPES, [...SERVER]);
  assert.deepEqual(enabledEventsFrom(true, []), ['*']);
  // No box ticked, or every one, is every type (also those added later).
  assert.deepEqual(enabledEventsFrom(false, []), ['*']);
  assert.deepEqual(enabledEventsFrom(false, [...SERVER]), ['*']);
  assert.deepEqual(enabledEventsFrom(false, ['import_batch.created', 'bulk_request.completed']), ['bulk_request.completed', 'import_batch.created']);
  assert.equal(describeEvents(['*']), 'all');
  assert.equal(describeEvents(['bulk_request.failed', 'bulk_request.stuck']), 'bulk_request.failed, bulk_request.stuck');
});
