import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/backends.js';
import { serve, type Server } from './support/processes.js';
import { REPO_ROOT } from './support/shared.js';

// One target for the CLI, as the issue found it broken: with a server named, management commands must act
// on that server (not on whatever ./data or DATABASE_URL the shell has), and every command must say on
// stderr what it acted on, so a command aimed at the wrong place is seen before anyone relies on it.

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

// tsx resolved from here: `--import tsx` alone would look for it in the child's working directory.
const CLI = ['--import', import.meta.resolve('tsx'), resolve(REPO_ROOT, 'src/cli/main.ts')];

/** The real CLI (from source, or `command` itself) in `cwd`, with only the environment the test names. */
function run(args: string[], env: Record<string, string>, cwd: string, command?: string): Promise<Ran> {
  const { DATABASE_URL, SLUICE_DATA_DIR, SLUICE_URL, SLUICE_API_KEY, SLUICE_BOOTSTRAP_KEY, ...rest } = process.env;
  return new Promise((done, fail) => {
    const child = spawn(command ?? process.execPath, command ? args : [...CLI, ...args], {
      cwd,
      env: { ...rest, PATH: `${dirname(process.execPath)}:${rest.PATH ?? ''}`, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const GENERATED_KEY = /sk_test_[A-Za-z0-9_-]{27}/;

for (const backend of BACKENDS) {
  describe(`the CLI acts on one target [${backend}]`, { timeout: 300_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let key: string;
    /** A directory with nothing in it: a command that fell back to ./data would leave a database here. */
    let elsewhere: string;

    before(async () => {
      database = await createTestDatabase(backend);
      server = await serve(database.env, ['--no-worker']);
      key = GENERATED_KEY.exec(server.output())?.[0] ?? '';
      assert.ok(key, server.output());
      elsewhere = mkdtempSync(join(tmpdir(), 'sluice-elsewhere-'));
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
      if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
    });

    test('with SLUICE_URL, streams create and list go to that server, and say so without the key', async () => {
      const env = { SLUICE_URL: server.url, SLUICE_API_KEY: key };
      const created = await run(['streams', 'create', 'bank-main', '--name', 'Main account'], env, elsewhere);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stderr, `Acting on server ${server.url}\n`);
      assert.match(created.stdout, /^Created data stream 'bank-main' \(id \d+\)\.$/m);
      assert.deepEqual(readdirSync(elsewhere), [], 'the command wrote a local database');

      const res = await fetch(`${server.url}/v1/data_streams/bank-main`, { headers: { 'x-api-key': key } });
      assert.equal(res.status, 200, 'the server does not have the stream');
      assert.equal(((await res.json()) as { name: string }).name, 'Main account');

      // The flags work as the variables do, and the environment the key opens is accepted by name.
      const listed = await run(['streams', 'list', '--url', server.url, '--api-key', key, '--environment', 'test'], {}, elsewhere);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^bank-main\s+Main account\s+\d+\s+\d{4}-\d\d-\d\dT/m);
      for (const ran of [created, listed]) assert.ok(!`${ran.stdout}${ran.stderr}`.includes(key), 'the API key was printed');

      const [again, otherEnvironment] = await Promise.all([
        run(['streams', 'create', 'bank-main', '--name', 'Again'], env, elsewhere),
        run(['streams', 'create', 'other', '--name', 'Other', '--environment', 'live'], env, elsewhere),
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, new RegExp(`already has a data stream 'bank-main' on ${server.url.replace(/\./g, '\\.')}`));
      assert.equal(otherEnvironment.code, 1);
      assert.match(otherEnvironment.stderr, /on a server the API key decides the environment and this key opens 'test'/);
      const stillOne = (await (await fetch(`${server.url}/v1/data_streams`, { headers: { 'x-api-key': key } })).json()) as unknown[];
      assert.equal(stillOne.length, 1);
      assert.deepEqual(readdirSync(elsewhere), []);
    });

    test('the installed `sluice` (a symlink to bin/sluice.js, as npm link makes it) works from any directory', async () => {
      // npm link / npm install -g . put exactly this symlink on the PATH.
      const bin = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
      try {
        symlinkSync(join(REPO_ROOT, 'bin', 'sluice.js'), join(bin, 'sluice'));
        const version = await run(['--version'], {}, elsewhere, join(bin, 'sluice'));
        assert.equal(version.code, 0, version.stderr);
        assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
        const listed = await run(['streams', 'list'], { SLUICE_URL: server.url, SLUICE_API_KEY: key }, elsewhere, join(bin, 'sluice'));
        assert.equal(listed.code, 0, listed.stderr);
        assert.match(listed.stdout, /^bank-main\s/m);
        assert.deepEqual(readdirSync(elsewhere), []);
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    });

    test('a 404 names the data stream and the server, in upload too', async () => {
      const file = join(elsewhere, 'jan.csv');
      writeFileSync(file, 'date,amount,external_id\n2026-01-10,-42.10,csv-1\n');
      try {
        const env = { SLUICE_URL: server.url, SLUICE_API_KEY: key };
        const upload = await run(['upload', file, '--stream', 'no-such-stream'], env, elsewhere);
        assert.equal(upload.code, 1, upload.stderr);
        assert.match(upload.stderr, new RegExp(`^Acting on server ${server.url.replace(/\./g, '\\.')}$`, 'm'));
        assert.match(upload.stderr, new RegExp(`data stream 'no-such-stream' not found on ${server.url.replace(/\./g, '\\.')}`));
        assert.match(upload.stderr, /sluice streams create no-such-stream/);
      } finally {
        rmSync(file, { force: true });
      }
    });

    test('without a URL, management commands act on the configured database and name it, never its password', async () => {
      // Trust authentication accepts any password: one in the URL must still never be printed.
      const env = { ...database.env };
      if (env.DATABASE_URL) env.DATABASE_URL = env.DATABASE_URL.replace('postgres://postgres@', 'postgres://postgres:Secret-Pa55@');
      const created = await run(['streams', 'create', 'local-only', '--name', 'Local'], env, elsewhere);
      assert.equal(created.code, 0, created.stderr);
      const expected =
        backend === 'sqlite'
          ? `Acting on SQLite ${join(database.env.SLUICE_DATA_DIR!, 'sluice.db')}\n`
          : `Acting on PostgreSQL 127.0.0.1:5432/test (schema ${/search_path%3D(\w+)/.exec(env.DATABASE_URL!)?.[1]})\n`;
      assert.equal(created.stderr, expected);
      assert.ok(!created.stderr.includes('Secret-Pa55'));
      assert.match(created.stdout, /in environment 'test'/);
      // The server sees it: same database.
      assert.equal((await fetch(`${server.url}/v1/data_streams/local-only`, { headers: { 'x-api-key': key } })).status, 200);

      // SQLite with a relative SLUICE_DATA_DIR: the printed path is absolute, so it says which file wherever the shell is.
      const relative = await run(['migrate'], { SLUICE_DATA_DIR: 'rel-data' }, elsewhere);
      assert.equal(relative.code, 0, relative.stderr);
      assert.equal(relative.stderr, `Acting on SQLite ${join(elsewhere, 'rel-data', 'sluice.db')}\n`);
      assert.ok(existsSync(join(elsewhere, 'rel-data', 'sluice.db')));
      rmSync(join(elsewhere, 'rel-data'), { recursive: true, force: true });
    });
  });
}
