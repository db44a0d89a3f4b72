import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Command } from 'commander';
import { CliError } from '../context.js';
import { out } from '../print.js';
import { connection, isFinal, request, type BulkRequestView, type ClientOptions } from '../client/api.js';
import { humanBytes, progressBar } from '../client/progress.js';
import { summarize, watchRequest } from '../client/watch-request.js';

interface UploadFlags extends ClientOptions {
  stream: string;
  format?: string;
  onConflict?: string;
  dryRun?: boolean;
  delimiter?: string;
  mapping?: string;
  amountUnit?: string;
  dateFormat?: string;
  currency?: string;
  perspective?: string;
  strict?: boolean;
  idempotencyKey?: string;
  wait: boolean;
  json?: boolean;
}

const CONTENT_TYPES: Record<string, string> = { csv: 'text/csv', nacha: 'application/vnd.nacha', bai2: 'application/x-bai2', camt053: 'application/xml' };

/** The file's content type: what --format says, else its extension, else let the server sniff it. */
function contentTypeOf(file: string, format: string | undefined): string {
  if (format) return CONTENT_TYPES[format] ?? 'application/octet-stream';
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return CONTENT_TYPES.csv!;
  if (ext === '.ach' || ext === '.nacha') return CONTENT_TYPES.nacha!;
  if (ext === '.bai' || ext === '.bai2') return CONTENT_TYPES.bai2!;
  if (ext === '.xml') return CONTENT_TYPES.camt053!;
  return 'application/octet-stream';
}

export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('Upload a CSV, NACHA, BAI2 or camt.053 file to a running Sluice, show progress, and summarize the outcome')
    .argument('<file>', 'the file to upload (streamed, never read whole)')
    .requiredOption('--stream <key>', 'the data stream to ingest into')
    .option('--format <format>', 'csv, nacha, bai2 or camt053 (default: from the extension, else detected by the server)')
    .option('--on-conflict <policy>', 'skip (default) or error, for external ids that already exist')
    .option('--dry-run', 'validate everything, write no records')
    .option('--delimiter <char>', 'CSV delimiter: , ; tab |')
    .option('--mapping <json>', 'CSV: JSON object of Sluice field to header name')
    .option('--amount-unit <unit>', 'CSV: major (default) or minor')
    .option('--date-format <format>', 'CSV: YYYY-MM-DD (default), MM/DD/YYYY or DD/MM/YYYY')
    .option('--currency <code>', 'CSV: currency for rows without one (default USD)')
    .option('--perspective <side>', 'NACHA: receiver (default) or originator')
    .option('--strict', 'NACHA, camt.053: reject the file for deviations that are otherwise warnings')
    .option('--idempotency-key <key>', 'makes a repeated upload return the first one')
    .option('--no-wait', 'return once the file is received; do not wait for processing')
    .option('--json', 'print the final bulk request as JSON (no progress bars)')
    .option('--url <url>', 'Sluice base URL (default: SLUICE_URL or http://127.0.0.1:3000)')
    .option('--api-key <key>', 'API key (default: SLUICE_API_KEY)')
    .action(async (file: string, flags: UploadFlags) => {
      const conn = connection(flags);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new CliError(`cannot read ${file}`);
      }
      const query = new URLSearchParams({ filename: basename(file) });
      const pairs: Array<[string, string | undefined]> = [
        ['format', flags.format],
        ['on_conflict', flags.onConflict],
        ['dry_run', flags.dryRun ? 'true' : undefined],
        ['delimiter', flags.delimiter],
        ['mapping', flags.mapping],
        ['amount_unit', flags.amountUnit],
        ['date_format', flags.dateFormat],
        ['currency', flags.currency],
        ['perspective', flags.perspective],
        ['strict', flags.strict ? 'true' : undefined],
      ];
      for (const [name, value] of pairs) if (value !== undefined) query.set(name, value);

      const bar = progressBar(flags.json ? false : undefined);
      let sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sent += chunk.length;
          bar.update(sent, size, `uploading ${humanBytes(sent)} / ${humanBytes(size)}`);
          done(null, chunk);
        },
      });
      const body = Readable.toWeb(createReadStream(file).pipe(counter)) as unknown as BodyInit;
      let created: BulkRequestView;
      try {
        const res = await request<BulkRequestView>(conn, `/v1/data_streams/${encodeURIComponent(flags.stream)}/uploads?${query}`, {
          method: 'POST',
          body,
          duplex: 'half',
          streamKey: flags.stream,
          headers: {
            'content-type': contentTypeOf(file, flags.format),
            'content-length': String(size),
            ...(flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {}),
          },
        });
        created = res.body;
      } finally {
        bar.finish();
      }

      const final = flags.wait && !isFinal(created.status) ? await watchRequest(conn, created.id, { bar: !flags.json }) : created;
      const { lines, exitCode } = summarize(conn, final);
      if (flags.json) out(JSON.stringify(final, null, 2));
      else for (const line of lines) out(line);
      process.exitCode = flags.wait ? exitCode : final.status === 'failed' ? 1 : 0;
    });
}
