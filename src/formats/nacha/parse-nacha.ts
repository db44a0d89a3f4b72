// Whole-input convenience for tests and small files: everything the streaming parser reports, collected.
// Holds every entry in memory, so uploads use NachaParser or parseNachaStream instead.

import type { NachaOptions } from './options.js';
import { NachaParser } from './parser.js';
import type { NachaBatchHeader, NachaBatchSummary, NachaEntry, NachaResult } from './types.js';

export interface NachaParseResult extends NachaResult {
  batches: NachaBatchSummary[];
  /** Headers of batches, including one never closed by a control record. */
  batchHeaders: NachaBatchHeader[];
  entries: NachaEntry[];
}

export function parseNacha(input: string | Uint8Array, options: NachaOptions = {}): NachaParseResult {
  const batches: NachaBatchSummary[] = [];
  const batchHeaders: NachaBatchHeader[] = [];
  const entries: NachaEntry[] = [];
  const parser = new NachaParser(options, {
    batchHeader: (header) => batchHeaders.push(header),
    entry: (entry) => entries.push(entry),
    batchEnd: (batch) => batches.push(batch),
  });
  parser.push(input);
  return { ...parser.end(), batches, batchHeaders, entries };
}
