// Reader options. Strict by default: every rule docs/bai2.md lists is an error. Each relaxation is named
// for the one real-world deviation it tolerates, so an upload states exactly what it accepted.

export interface Bai2Relaxations {
  /** Records may end without the "/" delimiter, at a line break followed by the next record's code. */
  allowMissingSlash?: boolean;
  /** Lines may be longer than the physical record length the file header declares. */
  ignoreRecordLength?: boolean;
  /**
   * Account, group and file trailer control totals and counts are parsed but not compared with what they
   * close (the structure is still checked).
   */
  skipControlTotals?: boolean;
}

export interface Bai2Options extends Bai2Relaxations {
  /** Longest physical line, and longest logical record with its continuations (default 1 MiB). */
  maxLineLength?: number;
  /** Stop after this many errors (default 1000). */
  maxErrors?: number;
  /** Accounts whose balances are kept in the result (default 1000); the result counts them all. */
  maxAccounts?: number;
}

export interface ResolvedBai2Options {
  allowMissingSlash: boolean;
  ignoreRecordLength: boolean;
  skipControlTotals: boolean;
  maxLineLength: number;
  maxErrors: number;
  maxAccounts: number;
}

export const BAI2_RELAXATION_NAMES = ['allowMissingSlash', 'ignoreRecordLength', 'skipControlTotals'] as const satisfies readonly (keyof Bai2Relaxations)[];

export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;
export const DEFAULT_MAX_ERRORS = 1000;
export const DEFAULT_MAX_ACCOUNTS = 1000;

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

export function resolveOptions(options: Bai2Options = {}): ResolvedBai2Options {
  return {
    allowMissingSlash: options.allowMissingSlash === true,
    ignoreRecordLength: options.ignoreRecordLength === true,
    skipControlTotals: options.skipControlTotals === true,
    // A file header alone is some 40 characters: a smaller limit would reject every file.
    maxLineLength: Math.max(80, positiveInteger(options.maxLineLength, DEFAULT_MAX_LINE_LENGTH)),
    maxErrors: positiveInteger(options.maxErrors, DEFAULT_MAX_ERRORS),
    maxAccounts: positiveInteger(options.maxAccounts, DEFAULT_MAX_ACCOUNTS),
  };
}
