// Configuration comes from the environment only, is validated once at start, and fails with one message
// per bad variable so an operator can fix them all in one go.

export interface EngineConfig {
  /** Items processed (and committed) per transaction. */
  chunkSize: number;
  /** A claim is valid this long after the last heartbeat; after that another worker may take over. */
  leaseMs: number;
  /** Interval of the lease-renewing heartbeat while a chunk is in flight. */
  heartbeatMs: number;
  /** A `processing` request without progress for this long is reported `stuck`. */
  stuckAfterMs: number;
  /** A request claimed more than this many times without finishing ends `failed`. */
  maxClaims: number;
  /** Fallback poll interval when no wake-up signal arrives. */
  pollMs: number;
  /** Requests one worker process runs at the same time. */
  concurrency: number;
}

/** Webhook delivery (docs/webhooks.md). */
export interface WebhookConfig {
  /** SLUICE_WEBHOOK_ALLOW_HTTP=1: endpoint URLs may be plain `http` (tests, local receivers). */
  allowHttp: boolean;
  /** SLUICE_WEBHOOK_ALLOW_PRIVATE=1: endpoint hosts may resolve to loopback, private or link-local addresses. */
  allowPrivate: boolean;
  /** Delays before the 2nd, 3rd, ... attempt of a delivery; when they run out the delivery has failed. */
  retryScheduleMs: number[];
  /** One attempt may take this long (connect, send, response headers and body) before it counts as failed. */
  timeoutMs: number;
  /** An endpoint whose deliveries have failed without a success for this long is disabled. */
  disableAfterMs: number;
  /** How often a worker looks for deliveries that are due. */
  pollMs: number;
  /** Deliveries one worker process sends at the same time (to different endpoints). */
  concurrency: number;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  bootstrapKey: string | undefined;
  logLevel: string;
  rateLimit: { max: number; windowMs: number };
  uploads: UploadLimits;
  engine: EngineConfig;
  webhooks: WebhookConfig;
  /** The live event streams (docs/live-updates.md). */
  live: LiveConfig;
  /** Where `sluice worker` serves /metrics (the API serves its own on PORT). */
  workerMetrics: { port: number; host: string };
  /**
   * Threads of `sluice serve` that read and stage `POST /v1/records/bulk` bodies and uploaded files off the
   * API thread (src/staging/); 0 does it on the API thread.
   */
  stagingThreads: number;
}

export interface LiveConfig {
  /** A `: keep-alive` comment on every open event stream this often, so proxies keep it open. */
  keepAliveMs: number;
  /** SQLite: how often the one poller of a process reads the rows its open streams watch. */
  pollMs: number;
  /** Event streams one process serves at once; one more answers 503 too_many_subscribers. */
  maxSubscribers: number;
}

export interface UploadLimits {
  /** Largest file accepted; beyond it the upload ends `failed` with `file_too_large`. */
  maxBytes: number;
  /** Longest line (CSV record or NACHA line); longer ones end the upload `failed` with `line_too_long`. */
  maxLineBytes: number;
  /** Items staged per transaction while a file streams in. */
  stageBatch: number;
  /**
   * Gzip uploads: decompressed bytes per compressed byte allowed beyond the first MiB; more ends the upload
   * `failed` with `compression_ratio_exceeded` (a decompression bomb). docs/uploads.md.
   */
  maxCompressionRatio: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    problems.push(`${name} must be between ${min} and ${max} (got ${value})`);
    return fallback;
  }
  return value;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** SLUICE_WEBHOOK_RETRY_SCHEDULE: comma-separated durations such as `5s,5m,30m,2h` (units ms, s, m, h, d). */
function durations(env: Env, name: string, fallback: string, problems: string[]): number[] {
  const raw = env[name]?.trim() || fallback;
  const out: number[] = [];
  for (const part of raw.split(',')) {
    const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(part.trim());
    if (!match) {
      problems.push(`${name} must be comma-separated durations such as 5s,5m,30m,2h (units ms, s, m, h, d; got "${raw}")`);
      return durations({}, name, fallback, problems);
    }
    out.push(Number(match[1]) * UNIT_MS[match[2]!]!);
  }
  if (out.length > 50) problems.push(`${name} may list at most 50 delays`);
  return out;
}

function flag(env: Env, name: string, problems: string[]): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  problems.push(`${name} must be 1 or 0 (got "${raw}")`);
  return false;
}

/** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 20 h, 20 h: nine retries over three days (docs/webhooks.md). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h,20h,20h';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/db); leave it unset for SQLite');
  }
  const bootstrapKey = env.SLUICE_BOOTSTRAP_KEY?.trim() || undefined;
  if (bootstrapKey !== undefined && !/^[A-Za-z0-9_\-]{24,200}$/.test(bootstrapKey)) {
    problems.push('SLUICE_BOOTSTRAP_KEY must be 24-200 characters of letters, digits, "_" or "-"');
  }
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const engine: EngineConfig = {
    chunkSize: integer(env, 'SLUICE_CHUNK_SIZE', 1000, 1, 100_000, problems),
    leaseMs: integer(env, 'SLUICE_LEASE_MS', 60_000, 100, 86_400_000, problems),
    heartbeatMs: integer(env, 'SLUICE_HEARTBEAT_MS', 10_000, 50, 3_600_000, problems),
    stuckAfterMs: integer(env, 'SLUICE_STUCK_AFTER_MS', 300_000, 100, 86_400_000, problems),
    maxClaims: integer(env, 'SLUICE_MAX_CLAIMS', 5, 1, 1000, problems),
    pollMs: integer(env, 'SLUICE_POLL_MS', 1000, 10, 3_600_000, problems),
    concurrency: integer(env, 'SLUICE_WORKER_CONCURRENCY', 2, 1, 64, problems),
  };
  if (engine.heartbeatMs >= engine.leaseMs) {
    problems.push('SLUICE_HEARTBEAT_MS must be shorter than SLUICE_LEASE_MS, or leases expire between heartbeats');
  }

  const webhooks: WebhookConfig = {
    allowHttp: flag(env, 'SLUICE_WEBHOOK_ALLOW_HTTP', problems),
    allowPrivate: flag(env, 'SLUICE_WEBHOOK_ALLOW_PRIVATE', problems),
    retryScheduleMs: durations(env, 'SLUICE_WEBHOOK_RETRY_SCHEDULE', DEFAULT_WEBHOOK_RETRY_SCHEDULE, problems),
    timeoutMs: integer(env, 'SLUICE_WEBHOOK_TIMEOUT_MS', 15_000, 100, 600_000, problems),
    disableAfterMs: integer(env, 'SLUICE_WEBHOOK_DISABLE_AFTER_MS', 5 * 86_400_000, 1, 365 * 86_400_000, problems),
    pollMs: integer(env, 'SLUICE_WEBHOOK_POLL_MS', 1000, 10, 3_600_000, problems),
    concurrency: integer(env, 'SLUICE_WEBHOOK_CONCURRENCY', 4, 1, 64, problems),
  };

  const host = env.HOST?.trim() || '0.0.0.0';
  const config: Config = {
    port: integer(env, 'PORT', 3000, 0, 65535, problems),
    host,
    databaseUrl,
    dataDir: env.SLUICE_DATA_DIR?.trim() || './data',
    bootstrapKey,
    logLevel,
    rateLimit: {
      max: integer(env, 'SLUICE_RATE_LIMIT_MAX', 6000, 1, 10_000_000, problems),
      windowMs: integer(env, 'SLUICE_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000, problems),
    },
    uploads: {
      maxBytes: integer(env, 'SLUICE_MAX_UPLOAD_BYTES', 2 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER, problems),
      maxLineBytes: integer(env, 'SLUICE_MAX_LINE_BYTES', 1024 ** 2, 94, 256 * 1024 ** 2, problems),
      stageBatch: integer(env, 'SLUICE_STAGE_BATCH', 2000, 1, 100_000, problems),
      maxCompressionRatio: integer(env, 'SLUICE_MAX_COMPRESSION_RATIO', 200, 2, 100_000, problems),
    },
    engine,
    webhooks,
    live: {
      keepAliveMs: integer(env, 'SLUICE_SSE_KEEPALIVE_MS', 15_000, 10, 3_600_000, problems),
      pollMs: integer(env, 'SLUICE_SSE_POLL_MS', 250, 10, 60_000, problems),
      maxSubscribers: integer(env, 'SLUICE_SSE_MAX_SUBSCRIBERS', 1000, 1, 1_000_000, problems),
    },
    workerMetrics: {
      // 9464 is the port OpenTelemetry's Prometheus exporter uses: free of the API's 3000 and of Prometheus' own.
      port: integer(env, 'SLUICE_WORKER_METRICS_PORT', 9464, 0, 65535, problems),
      host: env.SLUICE_WORKER_METRICS_HOST?.trim() || host,
    },
    stagingThreads: integer(env, 'SLUICE_STAGING_THREADS', 1, 0, 16, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
