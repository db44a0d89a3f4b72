import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { serve, sluice, type Child, type Server } from './support/processes.js';
import { REPO_ROOT } from './support/shared.js';

// The README's walk-through, run as written: every `sh` block of the section, in order, in bash, from the
// repository root, against a real server on each database. The test plays the person at the keyboard
// only where the README asks for one: it starts and stops the server and the worker, copies the key from
// the box, and runs a poll again until the status is final. `npm run sluice --` is the CLI from source
// here (a stale dist/ must not decide the test; bin/sluice.js itself is tested in cli-target.test.ts).
// Ids are whatever the database hands out: blocks only pass on the shell variables they captured.

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## A walk through the API'), readme.indexOf('## Configuration'));
const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
/** The shell variables the README captures ids in (`BULK=$(curl ...)`), carried from block to block. */
const variables = [...new Set(blocks.flatMap((b) => [...b.matchAll(/^([A-Z][A-Z_]*)=\$\(/gm)].map((m) => m[1]!)))];
const KEY = /sk_test_[A-Za-z0-9_-]{27}/;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Whatever bash-visible state the README builds up: the captured ids, kept in a file between blocks. */
function bash(script: string, env: Record<string, string>, stateFile: string): Promise<Ran> {
  const { DATABASE_URL, SLUICE_DATA_DIR, SLUICE_BOOTSTRAP_KEY, ...inherited } = process.env;
  const wrapped = [
    'set -eo pipefail',
    `sluice() { "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${join(REPO_ROOT, 'src/cli/main.ts')}" "$@"; }`,
    `[ -f "${stateFile}" ] && source "${stateFile}"`,
    script.replace(/\bnpm run sluice -- /g, 'sluice '),
    `{ ${variables.map((v) => `declare -p ${v} 2>/dev/null || true;`).join(' ')} true; } > "${stateFile}"`,
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', wrapped], {
      cwd: REPO_ROOT,
      env: { ...inherited, PATH: `${dirname(process.execPath)}:${inherited.PATH ?? ''}`, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const json = (text: string) => JSON.parse(text) as Record<string, any>;

async function waitForLine(child: Child, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (pattern.test(child.output())) return;
    if (child.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${pattern}:\n${child.output()}`);
}

test('the walk-through has its blocks, and uses no fixed ids', () => {
  assert.ok(blocks.length >= 10, `found ${blocks.length} sh blocks`);
  assert.deepEqual(variables.sort(), ['BULK', 'PENDING', 'RETRY', 'UPLOAD']);
  for (const block of blocks) assert.doesNotMatch(block, /bulk_requests\/\d/, 'a command with a fixed bulk request id');
});

for (const backend of BACKENDS) {
  describe(`the README walk-through, as written [${backend}]`, { timeout: 600_000 }, () => {
    const databases: TestDatabase[] = [];
    const processes: Child[] = [];
    const dirs: string[] = [];
    after(async () => {
      for (const child of processes) child.kill();
      await Promise.all(databases.map((d) => d.drop()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    test('every block works, with the ids the database hands out', async () => {
      const database = await createTestDatabase(backend);
      databases.push(database);
      const state = join(mkdtempSync(join(tmpdir(), 'sluice-readme-')), 'state.sh');
      dirs.push(dirname(state));

      // "Start Sluice (npm start) and copy the key from the box it prints on first start."
      let server: Server = await serve(database.env);
      processes.push(server);
      const key = KEY.exec(server.output())?.[0];
      assert.ok(key, `no key in the box:\n${server.output()}`);
      const env = () => ({ ...database.env, SLUICE_URL: server.url, SLUICE_API_KEY: key });
      const run = async (block: string) => {
        const ran = await bash(block, env(), state);
        assert.equal(ran.code, 0, `block failed:\n${block}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`);
        return ran;
      };
      /** What a person does with "poll it until ...": run the block again until the answer is final. */
      const poll = async (block: string) => {
        for (let i = 0; i < 300; i++) {
          const body = json((await run(block)).stdout);
          if (['completed', 'failed', 'cancelled'].includes(body.status)) return body;
          await new Promise((r) => setTimeout(r, 200));
        }
        throw new Error(`never final:\n${block}`);
      };
      const ids: Record<string, number> = {};
      const captured = () => Object.fromEntries([...readFileSync(state, 'utf8').matchAll(/declare -- ([A-Z_]+)="?(\d+)"?/g)].map((m) => [m[1]!, Number(m[2])]));

      // Each block is recognised by what it does; a block nobody recognises fails the test, so the README
      // and this test cannot drift apart unnoticed.
      const steps: Array<{ is: RegExp; then: (block: string) => Promise<void> }> = [
        { is: /^export SLUICE_URL=/m, then: async () => {} }, // the test sets both variables itself
        {
          is: /-d '\{"key": "bank-main"/,
          then: async (block) => assert.equal(json((await run(block)).stdout).key, 'bank-main'),
        },
        {
          is: /^BULK=\$\(/m,
          then: async (block) => {
            await run(block);
            ids.BULK = captured().BULK!;
            assert.ok(ids.BULK! > 0);
            // Pasted again: the Idempotency-Key replays the same request.
            await run(block);
            assert.equal(captured().BULK, ids.BULK);
          },
        },
        {
          is: /^curl -s \$SLUICE_URL\/v1\/bulk_requests\/\$BULK -H/m,
          then: async (block) => {
            const done = await poll(block);
            assert.equal(done.id, ids.BULK);
            assert.deepEqual([done.status, done.successful_items, done.failed_items], ['completed', 2, 1]);
            assert.equal(done.results.data[2].error_code, 'invalid_amount');
          },
        },
        {
          is: /\/failed_rows\.csv/,
          then: async (block) => {
            const csv = (await run(block)).stdout;
            assert.match(csv, /txn-1003/);
            assert.match(csv, /invalid_amount/);
            assert.doesNotMatch(csv, /txn-1001/);
          },
        },
        {
          is: /\/v1\/records\?data_stream_key=bank-main/,
          then: async (block) => assert.deepEqual(json((await run(block)).stdout).data.map((r: { external_id: string }) => r.external_id).sort(), ['txn-1001', 'txn-1002']),
        },
        {
          is: /upload examples\/bank-export\.csv/,
          then: async (block) => {
            const first = await run(block);
            assert.match(first.stdout, /: completed\n\s+items: 12 total, 12 successful, 0 failed, 0 skipped/);
            assert.match(first.stderr, new RegExp(`^Acting on server ${server.url.replace(/\./g, '\\.')}$`, 'm'));
            // "Run it again and all 12 rows are skipped."
            assert.match((await run(block)).stdout, /items: 12 total, 0 successful, 0 failed, 12 skipped/);
          },
        },
        {
          is: /^UPLOAD=\$\(/m,
          then: async (block) => {
            const ran = await run(block);
            assert.match(ran.stdout, /\(payroll-and-collections\.ach\): completed\n\s+items: 6 total, 6 successful, 0 failed, 0 skipped/);
            ids.UPLOAD = captured().UPLOAD!;
            assert.ok(ids.UPLOAD! > ids.BULK!);
          },
        },
        {
          is: /sluice -- serve --no-worker/,
          then: async () => {
            // "Stop Sluice with Ctrl-C and start it API-only."
            assert.equal(await server.stop(), 0);
            server = await serve(database.env, ['--no-worker']);
            processes.push(server);
          },
        },
        {
          is: /^PENDING=\$\(/m,
          then: async (block) => {
            await run(block);
            ids.PENDING = captured().PENDING!;
            const now = json((await run(`curl -s $SLUICE_URL/v1/bulk_requests/${ids.PENDING} -H "X-API-KEY: $SLUICE_API_KEY"`)).stdout);
            assert.equal(now.status, 'pending');
          },
        },
        {
          is: /\/bulk_requests\/\$PENDING\/cancel/,
          then: async (block) => assert.equal(json((await run(block)).stdout).status, 'cancelled'),
        },
        {
          is: /^RETRY=\$\(/m,
          then: async (block) => {
            await run(block);
            ids.RETRY = captured().RETRY!;
            assert.notEqual(ids.RETRY, ids.PENDING);
          },
        },
        {
          is: /^npm run sluice -- worker$/m,
          then: async () => {
            // "Start one in a third terminal." (Its metrics port is chosen free here: tests run side by side.)
            const worker = sluice(['worker'], { ...database.env, SLUICE_POLL_MS: '200' });
            processes.push(worker);
            await waitForLine(worker, /^Metrics on http:/m);
          },
        },
        {
          is: /^curl -s \$SLUICE_URL\/v1\/bulk_requests\/\$RETRY -H/m,
          then: async (block) => {
            const done = await poll(block);
            assert.deepEqual([done.id, done.status, done.successful_items, done.parent_bulk_request_id], [ids.RETRY, 'completed', 2, ids.PENDING]);
          },
        },
      ];

      const used = new Set<number>();
      for (const block of blocks) {
        const matching = steps.map((s, i) => (s.is.test(block) ? i : -1)).filter((i) => i >= 0);
        assert.equal(matching.length, 1, `a README block matches ${matching.length} steps of this test:\n${block}`);
        used.add(matching[0]!);
        await steps[matching[0]!]!.then(block);
      }
      assert.equal(used.size, steps.length, 'a step of this test matched no README block');

      // What the stream holds at the end: the walk-through's records, each once, with the examples' totals.
      const records: Array<{ amount: number; direction: string; external_id: string | null }> = [];
      let cursor: string | null = null;
      do {
        const page = json(
          (await run(`curl -s "$SLUICE_URL/v1/records?data_stream_key=bank-main&limit=100${cursor ? `&cursor=${cursor}` : ''}" -H "X-API-KEY: $SLUICE_API_KEY"`)).stdout,
        );
        records.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      const total = (direction: string) => records.filter((r) => r.direction === direction).reduce((sum, r) => sum + r.amount, 0);
      // 2 from the bulk request, 12 from the bank export, 6 from the NACHA file, 2 from the retry.
      assert.equal(records.length, 22);
      assert.equal(new Set(records.map((r) => r.external_id)).size, 22, 'a record is there twice');
      // Credits: 125000 + 7300 (JSON), 6362210 (CSV: five), 1037325 (NACHA: four payroll credits).
      assert.equal(total('credit'), 125000 + 7300 + 6362210 + 1037325);
      // Debits: 4999 + 2500 (JSON), 2235751 (CSV: seven), 1337399 (NACHA: two collections).
      assert.equal(total('debit'), 4999 + 2500 + 2235751 + 1337399);

      // The bank export's columns landed where the mapping said, and the rest in metadata, as written.
      const coffee = records.find((r) => r.external_id === 'POS260114-5518') as Record<string, any> | undefined;
      assert.ok(coffee, 'the CSV row POS260114-5518 is missing');
      assert.deepEqual(
        [coffee.date, coffee.amount, coffee.direction, coffee.currency, coffee.description, coffee.metadata],
        ['2026-01-14', 1875, 'debit', 'USD', 'CARD PURCHASE 01/13 "BLUE BOTTLE" COFFEE SF CA', { 'Value Date': '01/13/2026', Category: 'Meals', 'Running Balance': '36,588.24' }],
      );

      // The NACHA example through the CLI too, into a stream the CLI creates on the same server.
      const created = await run('npm run sluice -- streams create payroll --name "Payroll account"');
      assert.match(created.stdout, /Created data stream 'payroll'/);
      const uploaded = await run('npm run sluice -- upload examples/payroll-and-collections.ach --stream payroll --json');
      const final = json(uploaded.stdout.slice(uploaded.stdout.indexOf('{')));
      assert.deepEqual([final.status, final.total_items, final.successful_items, final.failed_items], ['completed', 6, 6, 0]);
      const payroll = json((await run(`curl -s "$SLUICE_URL/v1/records?data_stream_key=payroll&limit=100" -H "X-API-KEY: $SLUICE_API_KEY"`)).stdout).data as Array<{ amount: number; direction: string; date: string }>;
      assert.equal(payroll.length, 6);
      assert.deepEqual(
        ['credit', 'debit'].map((d) => payroll.filter((r) => r.direction === d).reduce((sum, r) => sum + r.amount, 0)),
        [1037325, 1337399],
      );
      assert.deepEqual([...new Set(payroll.map((r) => r.date))].sort(), ['2026-02-02', '2026-02-03'], 'effective entry dates of the two batches');
    });
  });
}
