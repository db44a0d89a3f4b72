// `npm run bench` — end-to-end throughput, memory and status latency of Sluice against each database's own
// bulk load of the same rows (docs/performance.md). `npm run bench -- --quick` runs every scenario at small
// sizes and checks what landed; it is a correctness check (exit 1 on any mismatch), never a timing one.
//
// Options: --quick, --rows N (CSV rows), --nacha-entries N, --bai2-entries N, --camt053-entries N, --json-records N,
// --clients N, --only csv,nacha,bai2,camt053,json,parse,scaleout, --db sqlite,postgres, --workers 1,2,4 (scaleout: one run per count of
// `sluice worker` processes; given without --only, runs scaleout alone), --uploads N and --upload-rows N
// (scaleout: concurrent uploads, rows each), --extra-workers N (csv, nacha, bai2, camt053, json: `sluice worker` processes
// beside serve's embedded worker), --interval MS (status sampling), --runs N (parse repetitions), --profile (serve under --cpu-prof, top
// self-time functions printed), --server-log (serve's whole log at info level kept under .bench/server-logs, and its answer times
// inside the server printed), --env KEY=VALUE (Sluice setting for the run, repeatable), --out FILE,
// --keep-inputs, --skip-schema-reference (no load into Sluice's own records table: saves time at 5M rows).

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../test/support/shared.js';
import { CSV_PREFIX, writeCsv } from './inputs/csv.js';
import { writeNachaFile } from './inputs/nacha.js';
import { writeBai2File } from './inputs/bai2.js';
import { writeCamt053File } from './inputs/camt053.js';
import { JSON_PREFIX } from './inputs/json.js';
import { rowsTotals, type ExpectedTotals } from './inputs/rows.js';
import { describeMachine, uptimeLine } from './machine.js';
import { busyMs, selfTimesText } from './profile-summary.js';
import { serverAnswerTimesText } from './server-log-summary.js';
import { postgresCopy, type ReferenceResult } from './references/postgres-copy.js';
import { camt053ReferenceRows, csvReferenceRows, jsonReferenceRows, nachaReferenceRows } from './references/rows.js';
import { writeRowsFile } from './references/rows-file.js';
import { bai2ReferenceRows } from './references/bai2-rows.js';
import { sluiceSchemaReference } from './references/sluice-schema.js';
import { sqliteInserts } from './references/sqlite-inserts.js';
import { consoleTable, markdownTable, targetsText, targetVerdicts } from './report.js';
import { activeDatabases, round } from './scenarios/harness.js';
import { jsonScenario } from './scenarios/json.js';
import { parseCsvScenario, parseNachaScenarios } from './scenarios/parse.js';
import type { RunOptions, ScenarioResult, Sizes } from './scenarios/types.js';
import { uploadScenario } from './scenarios/uploads.js';
import { scaleoutScenario, type ScaleoutInput } from './scenarios/scaleout.js';
import type { Backend } from './support/databases.js';
import { killAll } from './support/sluice.js';
import { check } from './support/verify.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rows: { type: 'string' },
    'nacha-entries': { type: 'string' },
    'bai2-entries': { type: 'string' },
    'camt053-entries': { type: 'string' },
    'json-records': { type: 'string' },
    clients: { type: 'string' },
    only: { type: 'string' },
    db: { type: 'string' },
    workers: { type: 'string' },
    'extra-workers': { type: 'string' },
    uploads: { type: 'string' },
    'upload-rows': { type: 'string' },
    interval: { type: 'string' },
    runs: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'server-log': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true },
    out: { type: 'string' },
    'keep-inputs': { type: 'boolean', default: false },
    'skip-schema-reference': { type: 'boolean', default: false },
  },
  strict: true,
});

function count(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < min) {
    console.error(`--${name} must be a whole number >= ${min}`);
    process.exit(2);
  }
  return value;
}

function list<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T[] {
  if (raw === undefined) return [...allowed];
  const picked = raw.split(',').map((s) => s.trim()) as T[];
  const unknown = picked.filter((p) => !allowed.includes(p));
  if (unknown.length > 0) {
    console.error(`--${name}: unknown ${unknown.join(', ')} (one of ${allowed.join(', ')})`);
    process.exit(2);
  }
  return picked;
}

const quick = args.quick === true;
const sizes: Sizes = {
  csvRows: count('rows', args.rows, quick ? 20_000 : 1_000_000),
  nachaEntries: count('nacha-entries', args['nacha-entries'], quick ? 10_000 : 500_000),
  bai2Entries: count('bai2-entries', args['bai2-entries'], quick ? 10_000 : 500_000),
  jsonRecords: count('json-records', args['json-records'], quick ? 20_000 : 500_000),
  jsonBatch: 1000,
  jsonClients: count('clients', args.clients, 8),
  nachaPerBatch: 1000,
  camt053Entries: count('camt053-entries', args['camt053-entries'], quick ? 10_000 : 500_000),
  scaleoutUploads: count('uploads', args.uploads, 8),
  scaleoutRowsPerUpload: count('upload-rows', args['upload-rows'], quick ? 2_500 : 250_000),
};
const SCENARIOS = ['parse', 'csv', 'nacha', 'bai2', 'camt053', 'json', 'scaleout'] as const;
// The full default run leaves scaleout out (it is item 8's question, ~8 minutes of its own: `--workers 1,2,4`
// or `--only scaleout`); --quick runs everything, scaleout included. --workers alone means the scale-out run.
const scenarios =
  args.only !== undefined ? list('only', args.only, SCENARIOS) : args.workers !== undefined ? (['scaleout'] as const).slice() : quick ? [...SCENARIOS] : SCENARIOS.filter((s) => s !== 'scaleout');
const backends = list<Backend>('db', args.db, ['sqlite', 'postgres'] as const);
const sluiceEnv: Record<string, string> = {};
for (const pair of args.env ?? []) {
  const eq = pair.indexOf('=');
  if (eq < 1) {
    console.error(`--env wants KEY=VALUE, got ${pair}`);
    process.exit(2);
  }
  sluiceEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = args.profile ? join(REPO_ROOT, '.bench', 'profiles', stamp) : null;
const serverLogDir = args['server-log'] ? join(REPO_ROOT, '.bench', 'server-logs', stamp) : null;
const options: RunOptions = {
  sizes,
  quick,
  extraWorkers: count('extra-workers', args['extra-workers'], 0, 0),
  intervalMs: count('interval', args.interval, 100),
  profileDir,
  serverLogDir,
  sluiceEnv,
};
const parseRuns = count('runs', args.runs, quick ? 1 : 3);
const scaleoutWorkers = (args.workers ?? '1,2,4').split(',').map((w) => count('workers', w.trim(), 1));
// Only the default full run replaces the committed results; anything else (quick, a subset, other sizes)
// goes to .bench/, which git ignores.
const defaultFull = !quick && args.rows === undefined && args['nacha-entries'] === undefined && args['bai2-entries'] === undefined && args['camt053-entries'] === undefined && args['json-records'] === undefined && args.only === undefined && args.db === undefined && args.env === undefined && args.workers === undefined && args['extra-workers'] === undefined && args.uploads === undefined && args['upload-rows'] === undefined;
const out = args.out ?? (defaultFull ? join(REPO_ROOT, 'bench', 'results', 'latest.json') : join(REPO_ROOT, '.bench', `${quick ? 'quick' : 'run'}-${stamp}.json`));

const log = (line: string) => console.log(line);
const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function reference(backend: Backend, rowsFile: string): Promise<ReferenceResult & { name: string }> {
  if (backend === 'postgres') return { name: 'PostgreSQL COPY', ...(await postgresCopy(rowsFile)) };
  return { name: 'SQLite prepared inserts, 1,000-row transactions', ...(await sqliteInserts(rowsFile)) };
}

/** Sluice's run, then the reference on the same rows, so both meet about the same machine load. */
async function withReference(
  run: () => Promise<Omit<ScenarioResult, 'reference' | 'ratio'>>,
  backend: Backend,
  rowsFile: string,
  expectedRows: number,
  bulkRequests: number,
): Promise<ScenarioResult> {
  const result = await run();
  try {
    const ref = await reference(backend, rowsFile);
    const refRowsPerSecond = ref.rows / ref.seconds;
    const refCheck = check(`reference loaded`, expectedRows, ref.rows);
    // Not in --quick: it explains a gap, it checks nothing that the reference does not.
    const schema = quick || args['skip-schema-reference'] ? null : await sluiceSchemaReference(backend, rowsFile, bulkRequests);
    const schemaRowsPerSecond = schema && schema.rows / schema.seconds;
    return {
      ...result,
      engine: result.engine && { ...result.engine, schemaRatio: schemaRowsPerSecond ? round(result.engine.rowsPerSecond / schemaRowsPerSecond) : null },
      reference: { name: ref.name, rows: ref.rows, seconds: round(ref.seconds), rowsPerSecond: Math.round(refRowsPerSecond) },
      schemaReference: schema && { rows: schema.rows, seconds: round(schema.seconds), rowsPerSecond: Math.round(schema.rows / schema.seconds) },
      ratio: result.rowsPerSecond === null ? null : round(result.rowsPerSecond / refRowsPerSecond),
      checks: [...result.checks, refCheck],
      ok: result.ok && refCheck.ok,
    };
  } catch (error) {
    return { ...result, reference: null, ratio: null, ok: false, error: `${result.error ?? ''}\nreference failed: ${(error as Error).stack}` };
  }
}

function printResult(r: ScenarioResult): void {
  const label = `${r.scenario}${r.variant ? ` (${r.variant})` : ''}${r.db === 'none' ? '' : ` [${r.db}]`}`;
  if (r.error) log(`  ${label}: ERROR\n${r.error.split('\n').map((l) => `    ${l}`).join('\n')}`);
  else {
    const schema = r.schemaReference ? ` (into Sluice's own records table: ${r.schemaReference.rowsPerSecond.toLocaleString('en-US')} rows/s)` : '';
    const ref = r.reference ? `, reference ${r.reference.rowsPerSecond.toLocaleString('en-US')} rows/s (${r.reference.seconds} s)${schema}, ratio ${r.ratio}` : '';
    const latency = r.statusLatencyMs ? `, status p50 ${r.statusLatencyMs.p50} ms p99 ${r.statusLatencyMs.p99} ms (${r.statusLatencyMs.samples} samples)` : '';
    const rss = r.peakRssMb === null ? '' : `, peak RSS ${r.peakRssMb} MB`;
    log(`  ${label}: ${r.rows.toLocaleString('en-US')} rows in ${r.seconds} s = ${r.rowsPerSecond?.toLocaleString('en-US')} rows/s${ref}${rss}${latency}; phases ${JSON.stringify(r.phases)}; load ${r.load.start} -> ${r.load.end}`);
    if (r.engine) log(`  ${label}: engine alone (claim to completed) ${r.engine.seconds} s = ${r.engine.rowsPerSecond.toLocaleString('en-US')} rows/s${r.engine.schemaRatio === null ? '' : `, ${r.engine.schemaRatio} x the load into Sluice's own records table`}`);
    if (r.workerPeakRssMb !== undefined) log(`  ${label}: peak RSS of the largest sluice worker ${r.workerPeakRssMb} MB`);
    if (r.activity) log(`  ${label}: activity ${JSON.stringify(r.activity)}`);
  }
  for (const c of r.checks.filter((c) => !c.ok)) log(`    MISMATCH ${c.name}: expected ${String(c.expected)}, got ${String(c.actual)}`);
  for (const note of r.notes ?? []) log(`    note: ${note}`);
  log(`  ${label}: ${r.ok ? 'passed' : 'FAILED'}`);
}

function printServerLog(scenario: string, backend: Backend): void {
  if (!serverLogDir) return;
  const file = join(serverLogDir, `${scenario}-${backend}.log`);
  try {
    log(`    ${relative(REPO_ROOT, file)}:\n${serverAnswerTimesText(file).replace(/^/gm, '    ')}`);
  } catch {
    // no log (the server did not start); the error is reported with the result
  }
}

function printProfile(scenario: string, backend: Backend): void {
  if (!profileDir) return;
  const dir = join(profileDir, `${scenario}-${backend}`);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    // no profile written (the server died); the error is reported with the result
  }
  // One profile per thread; tsx's module-loader thread is idle all along, the main thread is the one that works.
  const main = files.map((f) => join(dir, f)).sort((a, b) => busyMs(b) - busyMs(a))[0];
  if (main) log(selfTimesText(main, 25).replace(/^/gm, '    '));
}

const inputs = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
// Interrupted: kill every server, worker and parser started (their database connections go with them),
// drop the databases of the scenario in progress, remove the inputs. Bounded, so a second signal is not needed.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping, cleaning up`);
    killAll();
    const drops = Promise.allSettled([...activeDatabases].map((d) => d.drop()));
    void Promise.race([drops, new Promise((r) => setTimeout(r, 10_000))]).finally(() => {
      if (!args['keep-inputs']) rmSync(inputs, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

const startedAll = performance.now();
const loadBefore = uptimeLine();
log(`sluice bench${quick ? ' --quick' : ''}: ${scenarios.join(', ')} on ${backends.join(', ')}`);
log(`  sizes: ${JSON.stringify(sizes)}${scenarios.includes('scaleout') ? `, scaleout with ${scaleoutWorkers.join(', ')} worker process(es)` : ''}${options.extraWorkers ? `, ${options.extraWorkers} extra worker process(es)` : ''}${Object.keys(sluiceEnv).length ? `, env ${JSON.stringify(sluiceEnv)}` : ''}`);
log(`  before: ${loadBefore}`);
const machine = await describeMachine(backends.includes('postgres'));
log(`  machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres ?? '-'}, SQLite ${machine.sqlite}, Sluice from ${machine.sluiceFrom}`);

const results: ScenarioResult[] = [];
try {
  const needCsv = scenarios.includes('csv') || scenarios.includes('parse');
  const needNacha = scenarios.includes('nacha') || scenarios.includes('parse');
  const files = { csv: join(inputs, 'bench.csv'), nacha: join(inputs, 'bench.ach'), csvRows: join(inputs, 'csv.rows'), nachaRows: join(inputs, 'nacha.rows'), bai2: join(inputs, 'bench.bai'), bai2Rows: join(inputs, 'bai2.rows'), camt053: join(inputs, 'bench.xml'), camt053Rows: join(inputs, 'camt053.rows'), jsonRows: join(inputs, 'json.rows'), scaleoutRows: join(inputs, 'scaleout.rows') };
  const scaleoutRows = sizes.scaleoutUploads * sizes.scaleoutRowsPerUpload;
  let scaleout: ScaleoutInput | undefined;
  let csvTotals: ExpectedTotals | undefined;
  let nachaTotals: ExpectedTotals | undefined;
  let bai2Totals: ExpectedTotals | undefined;
  let camt053Totals: ExpectedTotals | undefined;
  let jsonTotals: ExpectedTotals | undefined;
  let t = performance.now();
  if (needCsv) {
    const written = await writeCsv(files.csv, sizes.csvRows);
    csvTotals = written.totals;
    log(`  input: CSV of ${sizes.csvRows.toLocaleString('en-US')} rows, ${(written.bytes / 1024 ** 2).toFixed(1)} MB (${elapsed(t)})`);
  }
  if (needNacha) {
    t = performance.now();
    const written = await writeNachaFile(files.nacha, sizes.nachaEntries, sizes.nachaPerBatch);
    nachaTotals = written.totals;
    log(`  input: NACHA file of ${sizes.nachaEntries.toLocaleString('en-US')} entries in ${written.batches} batches, ${(written.bytes / 1024 ** 2).toFixed(1)} MB (${elapsed(t)})`);
  }
  if (scenarios.includes('bai2')) {
    t = performance.now();
    const written = await writeBai2File(files.bai2, sizes.bai2Entries);
    bai2Totals = written.totals;
    log(`  input: BAI2 file of ${sizes.bai2Entries.toLocaleString('en-US')} details in ${written.accounts} accounts, ${(written.bytes / 1024 ** 2).toFixed(1)} MB (${elapsed(t)})`);
  }
  if (scenarios.includes('camt053')) {
    t = performance.now();
    const written = await writeCamt053File(files.camt053, sizes.camt053Entries);
    camt053Totals = written.totals;
    log(`  input: camt.053 file of ${sizes.camt053Entries.toLocaleString('en-US')} entries in ${written.statements} statements, ${(written.bytes / 1024 ** 2).toFixed(1)} MB (${elapsed(t)})`);
  }
  if (scenarios.includes('json')) jsonTotals = rowsTotals(sizes.jsonRecords, JSON_PREFIX);
  if (scenarios.includes('scaleout')) {
    t = performance.now();
    scaleout = { files: [], perFile: [], totals: rowsTotals(scaleoutRows, CSV_PREFIX) };
    for (let k = 0; k < sizes.scaleoutUploads; k++) {
      const file = join(inputs, `scaleout-${k}.csv`);
      scaleout.files.push(file);
      scaleout.perFile.push((await writeCsv(file, sizes.scaleoutRowsPerUpload, k * sizes.scaleoutRowsPerUpload)).totals);
    }
    log(`  input: ${sizes.scaleoutUploads} CSV files of ${sizes.scaleoutRowsPerUpload.toLocaleString('en-US')} rows (${elapsed(t)})`);
  }
  t = performance.now();
  if (scenarios.includes('csv')) await writeRowsFile(files.csvRows, csvReferenceRows(sizes.csvRows));
  if (scenarios.includes('nacha')) await writeRowsFile(files.nachaRows, nachaReferenceRows(files.nacha));
  if (scenarios.includes('bai2')) await writeRowsFile(files.bai2Rows, bai2ReferenceRows(files.bai2));
  if (scenarios.includes('camt053')) await writeRowsFile(files.camt053Rows, camt053ReferenceRows(files.camt053));
  if (scenarios.includes('json')) await writeRowsFile(files.jsonRows, jsonReferenceRows(sizes.jsonRecords, sizes.jsonBatch));
  if (scenarios.includes('scaleout')) await writeRowsFile(files.scaleoutRows, csvReferenceRows(scaleoutRows, sizes.scaleoutRowsPerUpload));
  log(`  input: reference rows written (${elapsed(t)})`);

  const record = (r: ScenarioResult) => {
    results.push(r);
    printResult(r);
  };
  for (const scenario of scenarios) {
    if (scenario === 'parse') {
      log(`parse (${parseRuns} run${parseRuns === 1 ? '' : 's'} each, median)`);
      record(await parseCsvScenario(files.csv, csvTotals!, parseRuns));
      for (const result of await parseNachaScenarios(files.nacha, nachaTotals!, parseRuns)) record(result);
      continue;
    }
    if (scenario === 'scaleout') {
      // Several worker processes on one database is PostgreSQL's case (SQLite has one writer).
      if (!backends.includes('postgres')) {
        log('scaleout: skipped (PostgreSQL only, and --db leaves it out)');
        continue;
      }
      for (const workers of scaleoutWorkers) {
        log(`scaleout [postgres], ${sizes.scaleoutUploads} uploads x ${sizes.scaleoutRowsPerUpload.toLocaleString('en-US')} rows, ${workers} sluice worker process(es)`);
        record(await withReference(() => scaleoutScenario(workers, scaleout!, options), 'postgres', files.scaleoutRows, scaleoutRows, sizes.scaleoutUploads));
      }
      continue;
    }
    for (const backend of backends) {
      log(`${scenario} [${backend}]`);
      if (scenario === 'csv') record(await withReference(() => uploadScenario('csv', backend, { file: files.csv, totals: csvTotals! }, options), backend, files.csvRows, sizes.csvRows, 1));
      if (scenario === 'nacha') record(await withReference(() => uploadScenario('nacha', backend, { file: files.nacha, totals: nachaTotals! }, options), backend, files.nachaRows, sizes.nachaEntries, 1));
      if (scenario === 'bai2') record(await withReference(() => uploadScenario('bai2', backend, { file: files.bai2, totals: bai2Totals! }, options), backend, files.bai2Rows, sizes.bai2Entries, 1));
      if (scenario === 'camt053') record(await withReference(() => uploadScenario('camt053', backend, { file: files.camt053, totals: camt053Totals! }, options), backend, files.camt053Rows, sizes.camt053Entries, 1));
      if (scenario === 'json') record(await withReference(() => jsonScenario(backend, jsonTotals!, options), backend, files.jsonRows, sizes.jsonRecords, Math.ceil(sizes.jsonRecords / sizes.jsonBatch)));
      printProfile(scenario, backend);
      printServerLog(scenario, backend);
    }
  }
} finally {
  if (!args['keep-inputs']) rmSync(inputs, { recursive: true, force: true });
  else log(`  inputs kept in ${inputs}`);
}

const loadAfter = uptimeLine();
const verdicts = targetVerdicts(results);
log('');
log(consoleTable(results));
log('');
log(`before: ${loadBefore}`);
log(`after:  ${loadAfter}`);
if (!quick) {
  log('');
  log('targets (issues 4 and 12):');
  log(targetsText(verdicts));
  log('');
  log(markdownTable(results));
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    { generatedAt: new Date().toISOString(), mode: quick ? 'quick' : 'full', sizes, extraWorkers: options.extraWorkers, ...(scenarios.includes('scaleout') ? { scaleoutWorkers } : {}), sluiceEnv, machine, load: { before: loadBefore, after: loadAfter }, seconds: Math.round((performance.now() - startedAll) / 1000), results, targets: quick ? [] : verdicts },
    null,
    2,
  )}\n`,
);
log(`results: ${relative(process.cwd(), out)} (${elapsed(startedAll)} in all)`);
const passed = results.filter((r) => r.ok).length;
log(`${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length && results.length > 0 ? 0 : 1);
