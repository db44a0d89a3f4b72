import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { ConnectOptions, Store } from '../../src/db/connect.js';
import { bootstrapIfEmpty, ensureEnvironment, generateApiKey, insertApiKey } from '../../src/keys/api-key.repository.js';
import { Worker } from '../../src/engine/worker.js';
import { StagingThreads } from '../../src/staging/staging-threads.js';
import { pino } from 'pino';
import { openTestStore, type Backend, type TestDatabase } from './backends.js';

export interface TestApp {
  backend: Backend;
  app: FastifyInstance;
  store: Store;
  database: TestDatabase;
  config: Config;
  /** The bootstrapped `test` environment's key. */
  key: string;
  /** A key for a second environment, for isolation tests. */
  otherKey: string;
  /** inject with the test key (or `as`), JSON body, parsed JSON answer. */
  call(method: InjectOptions['method'], url: string, body?: unknown, options?: { as?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** Runs the worker until no request is claimable (in-process, deterministic). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Staging threads for `POST /v1/records/bulk`, as `sluice serve` runs them (src/staging/); 0 or unset
   * reads and stages bodies on the test's own thread, as `buildApp` does by default.
   */
  stagingThreads?: number;
}

export async function startTestApp(
  backend: Backend,
  env: Record<string, string> = {},
  connectOptions: Partial<ConnectOptions> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const { store, database, close } = await openTestStore(backend, connectOptions);
  const config = loadConfig({ ...env });
  const now = Date.now();
  const boot = await bootstrapIfEmpty(store.db, undefined, now);
  if (!boot) throw new Error('fresh test database was not empty');
  const otherEnvironment = await ensureEnvironment(store.db, 'live', now);
  const otherKey = generateApiKey('live');
  await insertApiKey(store.db, otherEnvironment, otherKey, now);
  // The threads open stores of their own, on the same database.
  const stager = options.stagingThreads
    ? await StagingThreads.start(loadConfig({ ...database.env, ...env }), options.stagingThreads, pino({ level: 'silent' }), (error) => {
        throw error;
      })
    : undefined;
  const app = await buildApp({ store, config, stager });
  const worker = new Worker(store, config.engine);
  return {
    backend,
    app,
    store,
    database,
    config,
    key: boot.key,
    otherKey,
    async call(method, url, body, options = {}) {
      const res = await app.inject({
        method,
        url,
        headers: { 'x-api-key': options.as ?? boot.key, ...(options.headers ?? {}) },
        ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
      });
      let parsed: unknown = res.body;
      if (String(res.headers['content-type'] ?? '').includes('json') && res.body.length > 0) parsed = JSON.parse(res.body);
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
    async drain() {
      await worker.drain();
    },
    async close() {
      await app.close();
      await stager?.stop();
      await close();
    },
  };
}
