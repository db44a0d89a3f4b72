import { AppError } from '../errors/app-error.js';
import type { OnConflict } from '../bulk/bulk-request.table.js';
import { currencyDecimals } from '../money/currencies.js';
import { RELAXATION_NAMES } from '../formats/nacha/index.js';
import { BAI2_RELAXATION_NAMES } from '../formats/bai2/index.js';
import type { Format } from './format-name.js';

/** Everything an upload can be told, from the query string or from form fields sent before the file. */
export interface UploadOptions {
  format: Format | undefined;
  onConflict: OnConflict;
  dryRun: boolean;
  filename: string | null;
  csv: {
    delimiter: ',' | ';' | '\t' | '|';
    mapping: Record<string, string> | undefined;
    amountUnit: 'major' | 'minor';
    dateFormat: 'YYYY-MM-DD' | 'MM/DD/YYYY' | 'DD/MM/YYYY';
    currency: string | undefined;
  };
  nacha: { perspective: 'receiver' | 'originator'; relax: string[]; strict: boolean };
  bai2: { relax: string[] };
}

export const OPTION_NAMES = [
  'format',
  'on_conflict',
  'dry_run',
  'filename',
  'delimiter',
  'mapping',
  'amount_unit',
  'date_format',
  'currency',
  'perspective',
  'relax',
  'strict',
] as const;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AppError('invalid_upload_option', `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`, { field: name });
}

function bool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new AppError('invalid_upload_option', `${name} must be "true" or "false".`, { field: name });
}

const DELIMITERS = { ',': ',', ';': ';', '\t': '\t', '\\t': '\t', tab: '\t', '|': '|' } as const;

/** Every relaxation a `relax` option may name: NACHA's (docs/nacha.md) and BAI2's (docs/bai2.md). */
const KNOWN_RELAXATIONS: readonly string[] = [...new Set<string>([...RELAXATION_NAMES, ...BAI2_RELAXATION_NAMES])];

/** Relaxations by name, comma-separated; strict when absent. Each format reads the names it defines. */
function relaxations(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const names = raw.split(',').map((n) => n.trim()).filter(Boolean);
  for (const name of names) {
    if (!KNOWN_RELAXATIONS.includes(name)) {
      throw new AppError('invalid_upload_option', `relax names unknown relaxation "${name.slice(0, 40)}"; known: ${KNOWN_RELAXATIONS.join(', ')}.`, { field: 'relax' });
    }
  }
  return [...new Set(names)];
}

/** Validates the raw option strings; a bad option refuses the upload before any request is created. */
export function parseUploadOptions(raw: Record<string, string | undefined>): UploadOptions {
  const onConflict = raw.on_conflict;
  if (onConflict !== undefined && onConflict !== 'skip' && onConflict !== 'error') throw new AppError('invalid_on_conflict');

  let mapping: Record<string, string> | undefined;
  if (raw.mapping !== undefined && raw.mapping !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.mapping);
    } catch {
      throw new AppError('invalid_upload_option', 'mapping must be a JSON object of Sluice field to CSV header name.', { field: 'mapping' });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
      throw new AppError('invalid_upload_option', 'mapping must be a JSON object of Sluice field to CSV header name.', { field: 'mapping' });
    }
    mapping = parsed as Record<string, string>;
  }

  const delimiterRaw = raw.delimiter;
  let delimiter: UploadOptions['csv']['delimiter'] = ',';
  if (delimiterRaw !== undefined && delimiterRaw !== '') {
    const d = DELIMITERS[delimiterRaw as keyof typeof DELIMITERS];
    if (!d) throw new AppError('invalid_upload_option', 'delimiter must be one of ",", ";", "\\t" (or "tab") and "|".', { field: 'delimiter' });
    delimiter = d;
  }

  const currency = raw.currency?.trim() || undefined;
  if (currency !== undefined && currencyDecimals(currency) === undefined) {
    throw new AppError('invalid_upload_option', 'currency must be an ISO 4217 code such as USD.', { field: 'currency' });
  }

  const filename = raw.filename?.trim() || null;
  if (filename !== null && (filename.length > 255 || filename.includes('\u0000'))) {
    throw new AppError('invalid_upload_option', 'filename must be at most 255 characters.', { field: 'filename' });
  }

  return {
    format: oneOf('format', raw.format, ['csv', 'nacha', 'bai2', 'camt053'] as const),
    onConflict: onConflict ?? 'skip',
    dryRun: bool('dry_run', raw.dry_run),
    filename,
    csv: {
      delimiter,
      mapping,
      amountUnit: oneOf('amount_unit', raw.amount_unit, ['major', 'minor'] as const) ?? 'major',
      dateFormat: oneOf('date_format', raw.date_format, ['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY'] as const) ?? 'YYYY-MM-DD',
      currency: currency?.toUpperCase(),
    },
    nacha: {
      perspective: oneOf('perspective', raw.perspective, ['receiver', 'originator'] as const) ?? 'receiver',
      relax: relaxations(raw.relax).filter((n) => (RELAXATION_NAMES as readonly string[]).includes(n)),
      strict: bool('strict', raw.strict),
    },
    bai2: { relax: relaxations(raw.relax).filter((n) => (BAI2_RELAXATION_NAMES as readonly string[]).includes(n)) },
  };
}
