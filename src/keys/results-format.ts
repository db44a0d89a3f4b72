/**
 * How GET /v1/bulk_requests/{id} writes `results` (docs/compatibility.md): `page` is the contract's
 * `{data, has_more, offset}`; `array` is a plain array of every result in index order, for clients written
 * against End Close that read `results` as an array and never page (End Close's own relay does).
 */
export const RESULTS_FORMATS = ['page', 'array'] as const;
export type ResultsFormat = (typeof RESULTS_FORMATS)[number];

/** The value of a header or CLI flag, case and surrounding blanks ignored; undefined when it is neither. */
export function parseResultsFormat(raw: string): ResultsFormat | undefined {
  const value = raw.trim().toLowerCase();
  return (RESULTS_FORMATS as readonly string[]).includes(value) ? (value as ResultsFormat) : undefined;
}
