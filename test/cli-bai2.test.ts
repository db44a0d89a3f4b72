// `sluice upload` of a BAI2 statement against a real `sluice serve`: a .bai file is sent as BAI2 and
// imported; a file whose account trailer disagrees is rejected (exit 1) naming its line, record and field.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { startCliServer, type CliServer } from './support/cli-server.js';
import { sluice } from './support/processes.js';
import { writeBai2, type FileModel } from './bai2/writer.js';

const KEY = 'sk_test_cli_bai2_statements_0123456789';

const statement: FileModel = {
  senderId: '121000248',
  receiverId: 'ACMECO',
  creationDate: '250301',
  creationTime: '0600',
  fileId: '42',
  groups: [
    {
      ultimateReceiverId: 'ACMECO',
      originatorId: '121000248',
      groupStatus: '1',
      asOfDate: '250228',
      asOfTime: '',
      currency: 'USD',
      accounts: [
        {
          accountNumber: '9876543210',
          currency: '',
          summaries: [{ typeCode: '015', amount: '+500000', itemCount: '', funds: { code: '' } }],
          details: [
            { typeCode: '165', amount: '12500', funds: { code: '0' }, bankReference: 'BR1', customerReference: 'INV-7', text: 'ACH CREDIT GLOBEX' },
            { typeCode: '475', amount: '3000', funds: { code: 'Z' }, bankReference: 'BR2', customerReference: '', text: 'CHECK 1001' },
          ],
        },
      ],
    },
  ],
};

for (const backend of BACKENDS) {
  describe(`sluice upload of BAI2 statements [${backend}]`, { timeout: 180_000 }, () => {
    let cli: CliServer;
    let dir: string;
    let env: Record<string, string>;

    before(async () => {
      cli = await startCliServer(backend, { key: KEY, stream: 'bank' });
      ({ dir, env } = cli);
    });
    after(async () => {
      await cli?.close();
    });

    test('a .bai file imports; a broken one is rejected with its located error', async () => {
      const file = join(dir, 'statement.bai');
      writeFileSync(file, writeBai2(statement));
      const ok = sluice(['upload', file, '--stream', 'bank', '--json'], env);
      assert.equal(await ok.exited, 0, ok.output());
      const final = JSON.parse(ok.output().slice(ok.output().indexOf('{')));
      assert.equal(final.source, 'bai2');
      assert.equal(final.status, 'completed');
      assert.equal(final.successful_items, 2);
      assert.equal(final.source_details.bai2.accounts[0].account_last4, '3210');

      const broken = join(dir, 'broken.bai');
      const brokenText = writeBai2(statement).replace('49,515500,', '49,515501,');
      assert.notEqual(brokenText, writeBai2(statement), 'the account trailer was changed');
      writeFileSync(broken, brokenText);
      const refused = sluice(['upload', broken, '--stream', 'bank'], env);
      assert.equal(await refused.exited, 1, refused.output());
      assert.match(refused.output(), /: failed/);
      assert.match(refused.output(), /line 6 account_trailer\.account_control_total: account_control_mismatch/);
    });
  });
}
