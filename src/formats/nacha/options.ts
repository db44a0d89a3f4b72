// Parser options. By default the parser reads what moov-io/ach reads in its default configuration: what
// makes the data unreliable is an error, a deviation from the NACHA rules that does not is a warning, and
// `strict` turns warnings into errors. Each relaxation is named for the one real-world deviation it
// tolerates, so an upload states exactly what it accepted. docs/nacha.md explains when each is appropriate.

export interface NachaRelaxations {
  /**
   * Lines shorter than 94 characters are padded with blanks without a short_record warning (tools that
   * strip trailing blanks); even under `strict`.
   */
  allowShortLines?: boolean;
  /** Lines longer than 94 characters are cut to 94 when everything past column 94 is blank. */
  allowLongLines?: boolean;
  /** Routing number check digits (entry RDFI, file header immediate destination) are not verified. */
  skipCheckDigit?: boolean;
  /** The file may end after its last batch control without a file control record. */
  allowMissingFileControl?: boolean;
  /**
   * Batch and file control counts, entry hashes and debit/credit totals are parsed but not compared with
   * the entries (identity fields such as batch number and service class are still compared).
   */
  skipControlTotals?: boolean;
  /**
   * Transaction codes outside the NACHA table are accepted when their last digit is 1-9; that digit gives
   * the direction (1-4 credit, 5-9 debit) and the prenote / zero-dollar meaning.
   */
  allowUnknownTransactionCodes?: boolean;
  /** Trace numbers need not ascend within a batch nor start with the batch's ODFI identification. */
  skipTraceNumberChecks?: boolean;
}

export interface NachaOptions extends NachaRelaxations {
  /** Warnings (docs/nacha.md) are reported as errors: the file must follow the NACHA rules to the letter. */
  strict?: boolean;
  /** Warnings kept in the result (default 100); the result counts them all. */
  maxWarnings?: number;
  /** Longest line read (default 1 MiB); a longer line is reported and skipped, so memory stays bounded. */
  maxLineLength?: number;
  /** Stop after this many errors (default 1000); the result says stoppedEarly. */
  maxErrors?: number;
  /**
   * Put the full DFI account number on each entry (dfiAccountNumber) and in NOC corrected data. Off by
   * default: Sluice keeps only the last four characters, and an object that never held the number
   * cannot leak it into a log.
   */
  includeAccountNumber?: boolean;
}

export interface ResolvedNachaOptions {
  allowShortLines: boolean;
  allowLongLines: boolean;
  skipCheckDigit: boolean;
  allowMissingFileControl: boolean;
  skipControlTotals: boolean;
  allowUnknownTransactionCodes: boolean;
  skipTraceNumberChecks: boolean;
  strict: boolean;
  maxWarnings: number;
  maxLineLength: number;
  maxErrors: number;
  includeAccountNumber: boolean;
}

export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;
export const DEFAULT_MAX_ERRORS = 1000;
export const DEFAULT_MAX_WARNINGS = 100;

export const RELAXATION_NAMES = [
  'allowShortLines',
  'allowLongLines',
  'skipCheckDigit',
  'allowMissingFileControl',
  'skipControlTotals',
  'allowUnknownTransactionCodes',
  'skipTraceNumberChecks',
] as const satisfies readonly (keyof NachaRelaxations)[];

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

export function resolveOptions(options: NachaOptions = {}): ResolvedNachaOptions {
  return {
    allowShortLines: options.allowShortLines === true,
    allowLongLines: options.allowLongLines === true,
    skipCheckDigit: options.skipCheckDigit === true,
    allowMissingFileControl: options.allowMissingFileControl === true,
    skipControlTotals: options.skipControlTotals === true,
    allowUnknownTransactionCodes: options.allowUnknownTransactionCodes === true,
    skipTraceNumberChecks: options.skipTraceNumberChecks === true,
    strict: options.strict === true,
    maxWarnings: positiveInteger(options.maxWarnings, DEFAULT_MAX_WARNINGS),
    // A record is 94 characters: a smaller limit would reject every valid file.
    maxLineLength: Math.max(94, positiveInteger(options.maxLineLength, DEFAULT_MAX_LINE_LENGTH)),
    maxErrors: positiveInteger(options.maxErrors, DEFAULT_MAX_ERRORS),
    includeAccountNumber: options.includeAccountNumber === true,
  };
}
