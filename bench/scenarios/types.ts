// What every scenario reports; bench/report.ts prints it and writes it to the results file.

import type { LatencySummary } from '../support/latency.js';
import type { Check } from '../support/verify.js';

export type ScenarioName = 'csv' | 'nacha' | 'bai2' | 'camt053' | 'json' | 'scaleout' | 'parse-csv' | 'parse-nacha' | 'parse-nacha-stream';
export type DatabaseName = 'sqlite' | 'postgres' | 'none';

export interface ScenarioResult {
  scenario: ScenarioName;
  db: DatabaseName;
  /** What sets this run apart from others of its scenario (scaleout: the number of worker processes). */
  variant?: string;
  rows: number;
  seconds: number | null;
  rowsPerSecond: number | null;
  /** Where the time went: upload (until the 202) and processing (202 to completed), or per parser. */
  phases: Record<string, number>;
  reference: { name: string; rows: number; seconds: number; rowsPerSecond: number } | null;
  /** Full runs: the same bulk load into Sluice's real records table (references/sluice-schema.ts). */
  schemaReference?: { rows: number; seconds: number; rowsPerSecond: number } | null;
  /** Sluice rows/s divided by the reference's. */
  ratio: number | null;
  /**
   * The engine alone: the wall time during which at least one of the scenario's bulk requests was between
   * its claim (`started_at`) and `completed_at`, upload and staging excluded; its rows/s against the load
   * into Sluice's own records table (`schemaReference`), whose target is 0.8.
   */
  engine?: { seconds: number; rowsPerSecond: number; schemaRatio: number | null } | null;
  /** VmHWM of the `sluice serve` process, MiB (parse scenarios: of the parser's own process). */
  peakRssMb: number | null;
  /** VmHWM of the largest `sluice worker` process, MiB, when the run had any. */
  workerPeakRssMb?: number | null;
  /** Scaleout: where the CPU and the database's backends spent the run (support/activity.ts). */
  activity?: unknown;
  /** GET /v1/bulk_requests/{id}, sampled while the ingest ran. */
  statusLatencyMs: LatencySummary | null;
  /** 1-minute load average when the scenario started and ended (the machine is shared). */
  load: { start: number; end: number };
  checks: Check[];
  ok: boolean;
  error?: string;
  notes?: string[];
}

export interface Sizes {
  csvRows: number;
  nachaEntries: number;
  bai2Entries: number;
  jsonRecords: number;
  jsonBatch: number;
  jsonClients: number;
  nachaPerBatch: number;
  camt053Entries: number;
  /** scaleout: concurrent uploads, and rows in each. */
  scaleoutUploads: number;
  scaleoutRowsPerUpload: number;
}

export interface RunOptions {
  sizes: Sizes;
  quick: boolean;
  /** Extra `sluice worker` processes beside serve's embedded worker (csv, nacha, camt053, json). */
  extraWorkers: number;
  /** Status sampling interval. */
  intervalMs: number;
  /** Directory for serve's --cpu-prof output, when profiling. */
  profileDir: string | null;
  /** --server-log: where each scenario's `serve` writes its whole log, at info level (its request log). */
  serverLogDir: string | null;
  /** Extra environment for the Sluice processes (SLUICE_* tuning for experiments). */
  sluiceEnv: Record<string, string>;
}
