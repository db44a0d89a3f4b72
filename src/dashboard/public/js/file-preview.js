// What the upload page learns from the file in the browser, before sending it: its format and, for CSV,
// the header and first rows (read from the first 64 KiB only; the file is uploaded once, whole).

const PREVIEW_BYTES = 64 * 1024;
export const FIELDS = ['date', 'amount', 'direction', 'currency', 'description', 'external_id'];
export const REQUIRED = new Set(['date', 'amount']);

/** Splits CSV text into rows (RFC 4180 quoting; a quote only opens at the start of a field). */
export function parseCsv(text, delimiter, maxRows = 6) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < text.length && rows.length < maxRows) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
      continue;
    }
    if (atStart && c === '"') {
      quoted = true;
      atStart = false;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      atStart = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
      atStart = true;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      atStart = false;
      i++;
    }
  }
  return rows;
}

/** The delimiter that splits the header line into the most fields. */
export function guessDelimiter(firstLine) {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) (best = d), (bestCount = count);
  }
  return best;
}

function looksNacha(text) {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return first.startsWith('101') && first.length >= 94 - 1 && first.length <= 96;
}

/** The content type each format is sent as, as the server reads them (docs/uploads.md). */
const CONTENT_TYPES = { csv: 'text/csv', nacha: 'application/vnd.nacha', bai2: 'application/x-bai2', camt053: 'application/xml' };

/** A format named by the file's extension (under a .gz), or null. */
function byExtension(name) {
  const base = name.replace(/\.(gz|gzip)$/i, '');
  if (/\.(ach|nacha)$/i.test(base)) return 'nacha';
  if (/\.(bai|bai2)$/i.test(base)) return 'bai2';
  if (/\.xml$/i.test(base)) return 'camt053';
  if (/\.csv$/i.test(base)) return 'csv';
  return null;
}

/** { format: 'csv'|'nacha'|'bai2'|'camt053'|'unknown', contentType, compressed?, text? } */
export async function sniff(file) {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const inner = byExtension(file.name);
    return { format: inner ?? 'unknown', compressed: true, contentType: CONTENT_TYPES[inner ?? 'csv'] };
  }
  let text = await file.slice(0, PREVIEW_BYTES).text();
  // A multi-byte character may be cut at the end of the slice, and the last line is likely partial.
  if (file.size > PREVIEW_BYTES) text = text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1));
  // As the server detects them: the extension, then the content. A BAI2 file starts with its 01 record,
  // a camt.053 file is XML; both have commas, so they are told apart before CSV is guessed.
  const named = byExtension(file.name);
  const format =
    named ??
    (looksNacha(text) ? 'nacha' : /^01,/.test(text) ? 'bai2' : /^\uFEFF?\s*</.test(text) ? 'camt053' : null) ??
    // .txt and .tsv say nothing of the format (NACHA files are often .txt): the content decides, else CSV.
    (/\.(tsv|txt)$/i.test(file.name) || text.includes(',') || text.includes(';') || text.includes('\t') ? 'csv' : null);
  if (format) return { format, contentType: CONTENT_TYPES[format], text };
  return { format: 'unknown', contentType: 'application/octet-stream', text };
}

/** The header column a field most likely is: its own name, or a common bank-export name. */
const HINTS = {
  date: /^(date|posting date|posted|posted on|transaction date|value date|booking date)$/i,
  amount: /^(amount|value|amt|transaction amount)$/i,
  direction: /^(direction|type|dr\/cr|credit\/debit|cr\/dr)$/i,
  currency: /^(currency|ccy|curr)$/i,
  description: /^(description|memo|narrative|details|payee)$/i,
  external_id: /^(external_id|reference|ref|id|transaction id|fitid)$/i,
};

export function guessMapping(header) {
  const mapping = {};
  const used = new Set();
  for (const field of FIELDS) {
    const exact = header.find((h) => h.trim().toLowerCase() === field && !used.has(h));
    const hinted = exact ?? header.find((h) => HINTS[field].test(h.trim()) && !used.has(h));
    if (hinted !== undefined) {
      mapping[field] = hinted;
      used.add(hinted);
    }
  }
  return mapping;
}

/** The date layout of the preview's date column: US unless a first part above 12 says day-first. */
export function guessDateFormat(rows, column) {
  if (column < 0) return 'YYYY-MM-DD';
  const values = rows.slice(1).map((r) => (r[column] ?? '').trim()).filter(Boolean);
  const slashed = values.filter((v) => /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(v));
  if (slashed.length === 0 || slashed.length < values.length) return 'YYYY-MM-DD';
  return slashed.some((v) => Number(v.split('/')[0]) > 12) ? 'DD/MM/YYYY' : 'MM/DD/YYYY';
}
