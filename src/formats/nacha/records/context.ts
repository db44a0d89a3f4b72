import type { Report } from '../errors.js';
import type { ResolvedNachaOptions } from '../options.js';

/** What every record parser needs besides the line: where to report, and which relaxations apply. */
export interface RecordContext {
  readonly report: Report;
  readonly options: ResolvedNachaOptions;
}
