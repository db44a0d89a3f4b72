// `sluice upload` of camt.053 files against a real `sluice serve`: an .xml file goes as application/xml and
// completes; a statement whose balances could not be checked is accepted with its warning shown, and
// --strict rejects it naming the statement; a file that is no camt.053 fails, saying what it is.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKENDS } from './support/backends.js';
import { startCliServer, type CliServer } from './support/cli-server.js';
import { sluice } from './support/processes.js';
import { hasTestdata, TESTDATA_ROOT } from './support/shared.js';

const KEY = 'sk_test_cli_camt053_0123456789abcdef';
const CAMT = join(TESTDATA_ROOT, 'camt053', 'valid');
const skip = hasTestdata() ? false : `testdata not found at ${TESTDATA_ROOT} (set SLUICE_TESTDATA)`;

for (const backend of BACKENDS) {
  describe(`sluice upload of camt.053 files [${backend}]`, { timeout: 180_000, skip }, () => {
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

    test('an .xml statement completes; unchecked balances are a warning, and --strict rejects them', async () => {
      const multi = sluice(['upload', join(CAMT, 'camt053.v2.multi.statement.xml'), '--stream', 'bank'], env);
      assert.equal(await multi.exited, 0, multi.output());
      assert.match(multi.output(), /: completed/);
      assert.doesNotMatch(multi.output(), /warnings:/);

      const minimal = sluice(['upload', join(CAMT, 'camt053.v2.minimal.xml'), '--stream', 'bank'], env);
      assert.equal(await minimal.exited, 0, minimal.output());
      assert.match(minimal.output(), /warnings: 1 \(the file was accepted with them; --strict rejects them\)/);
      assert.match(minimal.output(), /Stmt\[1\]: balance_not_checked: .*opening balance is in EUR and its closing balance in SEK/);

      const strict = sluice(['upload', join(CAMT, 'camt053.v2.minimal.xml'), '--stream', 'bank', '--strict', '--on-conflict', 'error'], env);
      assert.equal(await strict.exited, 1, strict.output());
      assert.match(strict.output(), /: failed/);
      assert.match(strict.output(), /balance_not_checked/);

      const res = await fetch(`${cli.server.url}/v1/records?data_stream_key=bank&source=camt053_upload`, { headers: { 'x-api-key': KEY } });
      const records = ((await res.json()) as { data: Array<{ amount: number; direction: string }> }).data;
      assert.deepEqual(records.map((r) => `${r.direction} ${r.amount}`).sort(), ['credit 885', 'credit 885', 'debit 700']);
    });

    test('a camt.052 report is refused, saying what it is', async () => {
      const file = join(dir, 'report.xml');
      writeFileSync(file, readFileSync(join(CAMT, 'camt053.v3.xml'), 'utf8').replace('camt.053.001.03', 'camt.052.001.03'));
      const run = sluice(['upload', file, '--stream', 'bank'], env);
      assert.equal(await run.exited, 1, run.output());
      assert.match(run.output(), /wrong_namespace/);
      assert.match(run.output(), /camt\.052 message, not a camt\.053 bank statement/);
    });
  });
}
