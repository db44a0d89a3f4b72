import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type Backend, type TestDatabase } from './backends.js';
import { serve, type Server } from './processes.js';

/** A real `sluice serve` on a fresh database, a stream in it, a scratch folder, and the env a `sluice` client needs. */
export interface CliServer {
  database: TestDatabase;
  server: Server;
  /** A temporary folder for the files a test writes; removed by `close`. */
  dir: string;
  /** For `sluice(...)`: the database, SLUICE_URL and SLUICE_API_KEY. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startCliServer(backend: Backend, options: { key: string; stream: string }): Promise<CliServer> {
  const database = await createTestDatabase(backend);
  const server = await serve({ ...database.env, SLUICE_BOOTSTRAP_KEY: options.key, SLUICE_POLL_MS: '200' });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  const env = { ...database.env, SLUICE_URL: server.url, SLUICE_API_KEY: options.key };
  const res = await fetch(`${server.url}/v1/data_streams`, {
    method: 'POST',
    headers: { 'x-api-key': options.key, 'content-type': 'application/json' },
    body: JSON.stringify({ key: options.stream, name: options.stream }),
  });
  assert.equal(res.status, 201);
  return {
    database,
    server,
    dir,
    env,
    async close() {
      await server.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
