// `sluice upload` against a real `sluice serve`: a NACHA file accepted with warnings says so when the
// upload ends (and exits 0); with --strict the same file is rejected (exit 1) naming the rule it broke.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { serve, sluice, type Server } from './support/processes.js';
import { simpleFile, writeNacha } from './nacha/writer.js';

const KEY = 'sk_test_cli_nacha_warnings_0123456789';

for (const backend of BACKENDS) {
  describe(`sluice upload shows NACHA warnings [${backend}]`, { timeout: 180_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let dir: string;
    let env: Record<string, string>;

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: KEY, SLUICE_POLL_MS: '200' });
      dir = mkdtempSync(join(tmpdir(), 'sluice-nacha-warnings-'));
      env = { ...database.env, SLUICE_URL: server.url, SLUICE_API_KEY: KEY };
      const res = await fetch(`${server.url}/v1/data_streams`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'ach', name: 'ach' }),
      });
      assert.equal(res.status, 201);
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
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
