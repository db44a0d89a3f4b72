import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { idempotencyKeyOf } from '../bulk/idempotency.js';
import { BulkRequest, serializeBulkRequest } from '../bulk/bulk-request.schemas.js';
import { AppError } from '../errors/app-error.js';
import { commonErrors, ErrorResponse, StreamKeyParams } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { findStreamByKey } from '../streams/data-stream.repository.js';
import { detectFormat } from './detect-format.js';
import { handlerFor } from './handlers.js';
import { openUploadBody, uploadEncoding } from './open-body.js';
import { notAFile } from './sniff-file.js';
import { OPTION_NAMES, parseUploadOptions } from './upload-options.js';

const RAW_TYPES = [
  'text/csv',
  'application/csv',
  'application/vnd.nacha',
  'application/x-nacha',
  'application/x-bai2',
  'application/xml',
  'text/xml',
  'text/plain',
  'application/octet-stream',
  'application/gzip',
  'application/x-gzip',
];

const UploadQuery = Type.Object({
  format: Type.Optional(Type.String({ description: 'csv, nacha, bai2 or camt053; detected from the content type, extension or content when absent' })),
  on_conflict: Type.Optional(Type.String({ description: 'skip (default) or error' })),
  dry_run: Type.Optional(Type.String({ description: 'true: parse and validate everything, write no records' })),
  filename: Type.Optional(Type.String({ description: 'Names a raw-body upload' })),
  delimiter: Type.Optional(Type.String({ description: 'CSV: one of , ; \\t |' })),
  mapping: Type.Optional(Type.String({ description: 'CSV: JSON object of Sluice field to header name' })),
  amount_unit: Type.Optional(Type.String({ description: 'CSV: major (default, 12.34) or minor (1234)' })),
  date_format: Type.Optional(Type.String({ description: 'CSV: YYYY-MM-DD (default), MM/DD/YYYY or DD/MM/YYYY' })),
  currency: Type.Optional(Type.String({ description: 'CSV: currency of rows without a currency column (default USD)' })),
  perspective: Type.Optional(Type.String({ description: 'NACHA: receiver (default) or originator' })),
  relax: Type.Optional(Type.String({ description: 'NACHA, BAI2: comma-separated relaxations of strict validation (docs/nacha.md, docs/bai2.md)' })),
  strict: Type.Optional(Type.String({ description: 'NACHA and camt.053: true turns warnings (deviations that leave the data reliable) into errors (docs/nacha.md, docs/camt053.md)' })),
});

const MULTIPART_LIMITS = { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 100 };

/**
 * What went wrong in a multipart body, for `invalid_multipart`: the plugin's and busboy's errors, in words
 * of our own (theirs name codes of the plugin, or nothing a client can act on).
 */
function multipartError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const reasons: Record<string, string> = {
    FST_PARTS_LIMIT: `more than ${MULTIPART_LIMITS.parts} parts`,
    FST_FILES_LIMIT: 'more than one file part',
    FST_FIELDS_LIMIT: `more than ${MULTIPART_LIMITS.fields} fields`,
    FST_PROTO_VIOLATION: 'a part named __proto__ or constructor',
    FST_INVALID_MULTIPART_CONTENT_TYPE: 'not a multipart/form-data body',
  };
  const reason =
    (code && reasons[code]) ??
    (/boundary/i.test(message ?? '') ? 'no usable boundary in the Content-Type header' : undefined) ??
    (/unexpected end|terminated early/i.test(message ?? '') ? 'the body ends before the closing boundary' : undefined) ??
    'malformed multipart body';
  return new AppError('invalid_multipart', `The multipart/form-data body cannot be read: ${reason}.`, { reason });
}

/** Option fields of a multipart upload: only those sent before the `file` part can apply to it. */
async function readMultipart(request: FastifyRequest, maxBytes: number) {
  const fields: Record<string, string> = {};
  const parts = request.parts({ limits: { fileSize: maxBytes + 1, ...MULTIPART_LIMITS } });
  for await (const part of parts) {
    if (part.type === 'field') {
      // Busboy cuts an oversized field short and carries on: a cut option would be read as another one.
      if (part.valueTruncated || part.fieldnameTruncated) {
        throw new AppError('invalid_multipart', `The multipart/form-data body cannot be read: a field is longer than ${MULTIPART_LIMITS.fieldSize / 1024} KiB.`, { reason: 'field too long' });
      }
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

/** The media type alone: `Multipart/Form-Data; boundary=x` is `multipart/form-data`. */
const mediaType = (header: string | undefined) => (header ?? '').split(';', 1)[0]!.trim().toLowerCase();

export async function uploadRoutes(app: App, deps: RouteDeps) {
  const { store, config, now, stager } = deps;

  // Raw bodies are handed over as streams, unread: the upload parses them as they arrive, and Fastify's
  // body limit (for JSON) does not apply, the upload's own size limit does.
  app.addContentTypeParser(RAW_TYPES, (_request, payload, done) => done(null, payload));
  await app.register(multipart, { throwFileSizeLimit: false });

  app.post(
    '/data_streams/:key/uploads',
    {
      // Before the body is read: any other type would be parsed (a JSON body in full) only to be refused.
      onRequest: async (request) => {
        const type = mediaType(request.headers['content-type']);
        if (type !== 'multipart/form-data' && !RAW_TYPES.includes(type)) {
          throw new AppError('unsupported_media_type', `Uploads take multipart/form-data or a raw body of type ${RAW_TYPES.join(', ')}.`);
        }
      },
      schema: {
        tags: ['Uploads'],
        summary: 'Upload a CSV, NACHA, BAI2 or camt.053 file into a data stream',
        description:
          'multipart/form-data (part `file`, option fields before it) or a raw body (text/csv, application/vnd.nacha, application/x-bai2, text/plain with format=nacha or format=bai2, application/xml or text/xml for camt.053). The bulk request exists from the first byte (parsing: true); the 202 carries it once the file is received and staged. Whole-file problems end it failed with error_details.errors.',
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
      // A multipart body that breaks inside the file (cut off, over a limit) ends the file's stream early,
      // with an error or a premature close: the upload then fails (nothing of it is processed) and the
      // client is told why, with a 400, not handed a 202. The parser's own error comes last, from the parts.
      let brokenMultipart: unknown;
      if (request.isMultipart()) {
        const { fields, file, rest } = await readMultipart(request, config.uploads.maxBytes).catch((error: unknown) => {
          throw multipartError(error);
        });
        file.file.on('error', (error) => (brokenMultipart ??= error));
        rawOptions = { ...query, ...fields, filename: query.filename ?? fields.filename ?? file.filename };
        contentType = file.mimetype;
        body = file.file;
        drain = async () => {
          try {
            for await (const part of rest) if (part.type === 'file') part.file.resume();
          } catch (error) {
            // The plugin's error names the limit; a premature close of the file names nothing.
            if (brokenMultipart === undefined || (error as { code?: string }).code) brokenMultipart = error;
          }
        };
      } else {
        body = request.body as AsyncIterable<Buffer>;
        const length = Number(request.headers['content-length']);
        declaredBytes = Number.isSafeInteger(length) ? length : undefined;
      }

      const options = parseUploadOptions(rawOptions);
      // Gzip removed and the start read (docs/uploads.md, "Compressed files"); a file that is plainly no
      // CSV or NACHA (a ZIP, a workbook, a PDF) ends failed, saying what it looks like.
      const opened = await openUploadBody(body, encoding, config.uploads.maxCompressionRatio).catch(async (error: unknown) => {
        if (!drain) throw new AppError('bad_request', 'The request body could not be read.');
        brokenMultipart ??= error;
        await drain();
        throw multipartError(brokenMultipart);
      });
      const format = detectFormat(options.format, contentType, options.filename, opened.head);
      const notText = notAFile(opened.head);
      if (!notText && !handlerFor(format)) throw new AppError('invalid_upload_option', `The ${format} format is not available.`, { field: 'format' });

      // Parsed and staged by a staging thread of `serve` (src/staging/), or here without one.
      const outcome = await stager.upload(
        { environmentId, stream, format, refusal: notText ?? null, options, idempotencyKey, declaredBytes, compressed: opened.inflation !== undefined },
        opened.body,
        opened.inflation,
      );
      // The staging thread's store cannot wake this process's engine thread (SQLite has no cross-process
      // wake-up): this one's does. A second wake-up where the stager already woke it costs a poll at most.
      if (!outcome.replayed && outcome.row.status === 'pending') store.wake();
      await drain?.();
      if (brokenMultipart !== undefined && outcome.row.status === 'failed') {
        const error = multipartError(brokenMultipart);
        throw new AppError('invalid_multipart', error.message, { ...error.details, bulk_request_id: outcome.row.id });
      }
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      // A request that ended before its body did (oversized, cancelled): do not keep reading the rest.
      if (outcome.row.status === 'failed' || outcome.row.status === 'cancelled') reply.header('connection', 'close');
      return reply.status(202).send(serializeBulkRequest(outcome.row, now(), config.engine.stuckAfterMs));
    },
  );
}
