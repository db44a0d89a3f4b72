import type { Report } from '../errors.js';

/** What a record reader needs besides its fields: where the record starts and where to report. */
export interface RecordContext {
  line: number;
  report: Report;
}
