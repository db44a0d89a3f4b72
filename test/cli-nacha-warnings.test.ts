// `sluice upload` against a real `sluice serve`: a NACHA file accepted with warnings says so when the
// upload ends (and exits 0); with --strict the same file is rejected (exit 1) naming the rule it broke.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { startCliServer, type CliServer } from './support/cli-server.js';
import { sluice } from './support/processes.js';
import { simpleFile, writeNacha } from './nacha/writer.js';

const KEY = 'sk_test_cli_nacha_warnings_0123456789';

for (const backend of BACKENDS) {
  describe(`sluice upload shows NACHA warnings [${backend}]`, { timeout: 180_000 }, () => {
    let cli: CliServer;
    let dir: string;
    let env: Record<string, string>;

    before(async () => {
      cli = await startCliServer(backend, { key: KEY, stream: 'ach' });
      ({ dir, env } = cli);
    });
    after(async () => {
      await cli?.close();
    });

    test('warnings are printed when the upload ends; --strict rejects the file', async () => {
      const file = join(dir, 'mislabelled.ach');
      // A credits-only (220) batch with a debit on line 4.
      writeFileSync(
        file,
        writeNacha(
          simpleFile(
            [
              { transactionCode: 22, rdfi: '23138010', account: '12345678', amount: 1000, individualId: 'ID1', individualName: 'ALICE' },
              { transactionCode: 27, rdfi: '12104288', account: '87654321', amount: 250, individualId: 'ID2', individualName: 'BOB' },
            ],
            { serviceClassCode: 220 },
          ),
        ),
      );

      const accepted = sluice(['upload', file, '--stream', 'ach'], env);
      assert.equal(await accepted.exited, 0, accepted.output());
      assert.match(accepted.output(), /: completed/);
      assert.match(accepted.output(), /warnings: 1 \(the file was accepted with them; --strict rejects them\)/);
      assert.match(accepted.output(), /line 4 entry_detail\.transaction_code: service_class_mismatch: transaction code 27 is a debit in a credits-only batch/);
      const id = /Bulk request (\d+)/.exec(accepted.output())?.[1];
      assert.ok(id, accepted.output());

      // sluice watch shows the same summary for a finished request.
      const watch = sluice(['watch', id], env);
      assert.equal(await watch.exited, 0, watch.output());
      assert.match(watch.output(), /warnings: 1/);

      const strict = sluice(['upload', file, '--stream', 'ach', '--strict'], env);
      assert.equal(await strict.exited, 1, strict.output());
      assert.match(strict.output(), /: failed/);
      assert.match(strict.output(), /line 4 entry_detail\.transaction_code: service_class_mismatch/);
      assert.doesNotMatch(strict.output(), /warnings:/);
    });
  });
}
