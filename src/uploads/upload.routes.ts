import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { idempotencyKeyOf } from '../bulk/bulk-create.routes.js';
import { BulkRequest, serializeBulkRequest } from '../bulk/bulk-request.schemas.js';
import { AppError } from '../errors/app-error.js';
import { commonErrors, ErrorResponse, StreamKeyParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { detectFormat } from './detect-format.js';
import { handlerFor, refusingHandler } from './handlers.js';
import { openUploadBody, uploadEncoding } from './open-body.js';
import { notAFile } from './sniff-file.js';
import { ingestUpload } from './ingest-upload.js';
import { OPTION_NAMES, parseUploadOptions } from './upload-options.js';

const RAW_TYPES = [
  'text/csv',
  'application/csv',
  'application/vnd.nacha',
  'application/x-nacha',
  'text/plain',
  'application/octet-stream',
  'application/gzip',
  'application/x-gzip',
];

const UploadQuery = Type.Object({
  format: Type.Optional(Type.String({ description: 'csv or nacha; detected from the content type, extension or content when absent' })),
  on_conflict: Type.Optional(Type.String({ description: 'skip (default) or error' })),
  dry_run: Type.Optional(Type.String({ description: 'true: parse and validate everything, write no records' })),
  filename: Type.Optional(Type.String({ description: 'Names a raw-body upload' })),
  delimiter: Type.Optional(Type.String({ description: 'CSV: one of , ; \\t |' })),
  mapping: Type.Optional(Type.String({ description: 'CSV: JSON object of Sluice field to header name' })),
  amount_unit: Type.Optional(Type.String({ description: 'CSV: major (default, 12.34) or minor (1234)' })),
  date_format: Type.Optional(Type.String({ description: 'CSV: YYYY-MM-DD (default), MM/DD/YYYY or DD/MM/YYYY' })),
  currency: Type.Optional(Type.String({ description: 'CSV: currency of rows without a currency column (default USD)' })),
  perspective: Type.Optional(Type.String({ description: 'NACHA: receiver (default) or originator' })),
  relax: Type.Optional(Type.String({ description: 'NACHA: comma-separated relaxations of strict validation (docs/nacha.md)' })),
});

/** Option fields of a multipart upload: only those sent before the `file` part can apply to it. */
async function readMultipart(request: FastifyRequest, maxBytes: number) {
  const fields: Record<string, string> = {};
  const parts = request.parts({ limits: { fileSize: maxBytes + 1, files: 1, fields: 20, fieldSize: 64 * 1024 } });
  for await (const part of parts) {
    if (part.type === 'field') {
      if ((OPTION_NAMES as readonly string[]).includes(part.fieldname)) fields[part.fieldname] = String(part.value);
      continue;
    }
    if (part.fieldname !== 'file') {
      part.file.resume();
      continue;
    }
    return { fields, file: part, rest: parts };
  }
  throw new AppError('missing_file');
}

export async function uploadRoutes(app: App, deps: RouteDeps) {
  const { store, config, now } = deps;

  // Raw bodies are handed over as streams, unread: the upload parses them as they arrive, and Fastify's
  // body limit (for JSON) does not apply, the upload's own size limit does.
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => done(null, payload));
  await app.register(multipart, { throwFileSizeLimit: false });

  app.post(
    '/data_streams/:key/uploads',
    {
      schema: {
        tags: ['Uploads'],
        summary: 'Upload a CSV or NACHA file into a data stream',
        description:
          'multipart/form-data (part `file`, option fields before it) or a raw body (text/csv, application/vnd.nacha, text/plain with format=nacha). The bulk request exists from the first byte (parsing: true); the 202 carries it once the file is received and staged. Whole-file problems end it failed with error_details.errors.',
        params: StreamKeyParams,
        querystring: UploadQuery,
        response: { 202: BulkRequest, 400: ErrorResponse, 409: ErrorResponse, 415: ErrorResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const environmentId = request.environment.id;
      const stream = await findStreamByKey(store.db, environmentId, request.params.key);
      if (!stream) throw new AppError('data_stream_not_found');
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'] as string | undefined);
      const encoding = uploadEncoding(request.headers['content-encoding'], request.isMultipart());
      const query = request.query as Record<string, string | undefined>;

      let body: AsyncIterable<Buffer>;
      let contentType = request.headers['content-type'];
      let rawOptions: Record<string, string | undefined> = { ...query };
      let declaredBytes: number | undefined;
      let drain: (() => Promise<void>) | undefined;
      if (request.isMultipart()) {
        const { fields, file, rest } = await readMultipart(request, config.uploads.maxBytes);
        rawOptions = { ...query, ...fields, filename: query.filename ?? fields.filename ?? file.filename };
        contentType = file.mimetype;
        body = file.file;
        drain = async () => {
          for await (const part of rest) if (part.type === 'file') part.file.resume();
        };
      } else {
        body = request.body as AsyncIterable<Buffer>;
        const length = Number(request.headers['content-length']);
        declaredBytes = Number.isSafeInteger(length) ? length : undefined;
      }

      const options = parseUploadOptions(rawOptions);
      // Gzip removed and the start read (docs/uploads.md, "Compressed files"); a file that is plainly no
      // CSV or NACHA (a ZIP, a workbook, a PDF) ends failed, saying what it looks like.
      const opened = await openUploadBody(body, encoding, config.uploads.maxCompressionRatio);
      const format = detectFormat(options.format, contentType, options.filename, opened.head);
      const notText = notAFile(opened.head);
      const handler = notText ? refusingHandler(notText) : handlerFor(format);
      if (!handler) throw new AppError('invalid_upload_option', `The ${format} format is not available.`, { field: 'format' });

      const outcome = await ingestUpload(
        { store, config, now },
        { environmentId, stream, format, handler, options, idempotencyKey, declaredBytes, body: opened.body, inflation: opened.inflation },
      );
      await drain?.().catch(() => {});
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      // A request that ended before its body did (oversized, cancelled): do not keep reading the rest.
      if (outcome.row.status === 'failed' || outcome.row.status === 'cancelled') reply.header('connection', 'close');
      return reply.status(202).send(serializeBulkRequest(outcome.row, now(), config.engine.stuckAfterMs));
    },
  );
}
