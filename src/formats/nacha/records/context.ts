import type { Report, Warn } from '../errors.js';
import type { ResolvedNachaOptions } from '../options.js';

/** What every record parser needs besides the line: where to report errors and warnings, and which relaxations apply. */
export interface RecordContext {
  readonly report: Report;
  readonly warn: Warn;
  readonly options: ResolvedNachaOptions;
}
