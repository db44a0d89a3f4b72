// Writes BAI2 files from a model, with their trailers computed, in the physical layouts banks use: one
// record per line, several records on a line, long records wrapped over lines, or cut into 88
// continuations, fixed-length lines padded with blanks. Tests and property tests read them back.

export interface FundsModel {
  code: '' | '0' | '1' | '2' | 'V' | 'S' | 'D' | 'Z';
  valueDate?: string;
  valueTime?: string;
  availability?: [string, string, string];
  distributions?: [number, string][];
}

export interface SummaryModel {
  typeCode: string;
  /** As written: optional sign, digits (leading zeros allowed), or '' for none. */
  amount: string;
  itemCount: string;
  funds: FundsModel;
}

export interface DetailModel {
  typeCode: string;
  amount: string;
  funds: FundsModel;
  bankReference: string;
  customerReference: string;
  /** Words joined by single blanks, no blank at either end. */
  text: string;
}

export interface AccountModel {
  accountNumber: string;
  currency: string;
  summaries: SummaryModel[];
  details: DetailModel[];
}

export interface GroupModel {
  ultimateReceiverId: string;
  originatorId: string;
  groupStatus: string;
  asOfDate: string;
  asOfTime: string;
  currency: string;
  accounts: AccountModel[];
}

export interface FileModel {
  senderId: string;
  receiverId: string;
  creationDate: string;
  creationTime: string;
  fileId: string;
  groups: GroupModel[];
}

export interface Layout {
  /** Cut records longer than this into 88 continuations (0: never). */
  continuationWidth?: number;
  /** Put several records on one physical line, separated by this many blanks (undefined: one per line). */
  recordsPerLine?: number;
  /** Wrap a record's text over physical lines after this many characters (0: never). */
  wrapWidth?: number;
  /** Pad every physical line with blanks to the physical record length declared in the file header. */
  fixedLength?: number;
  lineEnding?: '\n' | '\r\n';
  finalNewline?: boolean;
}

function fundsFields(f: FundsModel): string[] {
  switch (f.code) {
    case 'V':
      return ['V', f.valueDate ?? '', f.valueTime ?? ''];
    case 'S':
      return ['S', ...(f.availability ?? ['', '', ''])];
    case 'D':
      return ['D', String(f.distributions?.length ?? 0), ...(f.distributions ?? []).flatMap(([d, a]) => [String(d), a])];
    default:
      return [f.code];
  }
}

const amountOf = (s: string): bigint => (s === '' ? 0n : BigInt(s.replace(/^\+/, '')));

/** One logical record: its code and fields (for a 16, the text is the last field and may hold commas). */
interface Logical {
  code: string;
  fields: string[];
  /** 16 only: where the text field starts. */
  textAt?: number;
}

/** Cuts a logical record into a record and 88 continuations of at most `width` characters (where it can). */
function withContinuations(rec: Logical, width: number): string[][] {
  if (width <= 0) return [[rec.code, ...rec.fields]];
  const out: string[][] = [];
  let current: string[] = [rec.code];
  let length = 3;
  const textAt = rec.textAt ?? Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < rec.fields.length; i++) {
    const field = rec.fields[i]!;
    if (i >= textAt) {
      // Text: cut at blanks; each piece goes in its own 88, trimmed, so reading joins them with one blank.
      const words = field.split(' ');
      let piece = '';
      if (current.length > 1 && length + (words[0]?.length ?? 0) + 1 > width) {
        out.push(current);
        current = ['88'];
        length = 3;
      }
      for (const word of words) {
        const next = piece === '' ? word : `${piece} ${word}`;
        if (piece !== '' && length + next.length + 1 > width) {
          current.push(piece);
          out.push(current);
          current = ['88'];
          length = 3;
          piece = word;
        } else piece = next;
      }
      current.push(piece);
      continue;
    }
    if (current.length > 1 && length + field.length + 1 > width) {
      out.push(current);
      current = ['88'];
      length = 3;
    }
    current.push(field);
    length += field.length + 1;
  }
  out.push(current);
  return out;
}

/** A record as text, "/" terminated. An 88 of one empty field is "88,/", as the reader joins it. */
const recordText = (parts: string[]) => `${parts[0]},${parts.slice(1).join(',')}/`;

export function writeBai2(model: FileModel, layout: Layout = {}): string {
  const records: string[][] = [];
  const push = (rec: Logical) => {
    const parts = withContinuations(rec, layout.continuationWidth ?? 0);
    records.push(...parts);
    return parts.length;
  };
  let fileRecords = push({ code: '01', fields: [model.senderId, model.receiverId, model.creationDate, model.creationTime, model.fileId, layout.fixedLength ? String(layout.fixedLength) : '', '', '2'] });
  let fileTotal = 0n;
  for (const group of model.groups) {
    let groupRecords = push({ code: '02', fields: [group.ultimateReceiverId, group.originatorId, group.groupStatus, group.asOfDate, group.asOfTime, group.currency, ''] });
    let groupTotal = 0n;
    for (const account of group.accounts) {
      let total = 0n;
      const summaryFields = account.summaries.flatMap((s) => {
        total += amountOf(s.amount);
        return [s.typeCode, s.amount, s.itemCount, ...fundsFields(s.funds)];
      });
      let accountRecords = push({ code: '03', fields: [account.accountNumber, account.currency, ...summaryFields] });
      for (const d of account.details) {
        total += amountOf(d.amount);
        const fields = [d.typeCode, d.amount, ...fundsFields(d.funds), d.bankReference, d.customerReference];
        accountRecords += push({ code: '16', fields: [...fields, d.text], textAt: fields.length });
      }
      accountRecords += 1;
      records.push(['49', total.toString(), String(accountRecords)]);
      groupRecords += accountRecords;
      groupTotal += total;
    }
    groupRecords += 1;
    records.push(['98', groupTotal.toString(), String(group.accounts.length), String(groupRecords)]);
    fileRecords += groupRecords;
    fileTotal += groupTotal;
  }
  fileRecords += 1;
  records.push(['99', fileTotal.toString(), String(model.groups.length), String(fileRecords)]);

  const nl = layout.lineEnding ?? '\n';
  const lines: string[] = [];
  const perLine = layout.recordsPerLine ?? 1;
  for (let i = 0; i < records.length; i += perLine) {
    const texts = records.slice(i, i + perLine).map(recordText);
    let line = texts.join(' ');
    if (layout.wrapWidth && perLine === 1) {
      // Wrap only inside a 16's text, where a cut changes nothing the reader sees.
      const rec = records[i]!;
      if (rec[0] === '16' && line.length > layout.wrapWidth) {
        const at = wrapPoint(line, layout.wrapWidth);
        if (at > 0) {
          lines.push(line.slice(0, at));
          line = line.slice(at);
        }
      }
    }
    lines.push(line);
  }
  const padded = layout.fixedLength ? lines.map((l) => l.padEnd(layout.fixedLength!, ' ')) : lines;
  return padded.join(nl) + (layout.finalNewline === false ? '' : nl);
}

/**
 * Where a 16 line can be cut so the second part continues it: inside the text (after the last comma),
 * not just after a "/", and not where the rest would start with blanks then something like a record code.
 */
function wrapPoint(line: string, width: number): number {
  const textStart = line.lastIndexOf(',') + 1;
  for (let at = Math.min(width, line.length - 2); at > textStart; at--) {
    if (line[at - 1] === '/' || line[at - 1] === ' ' || line[at] === ' ') continue;
    if (/^[ \t]*\d\d,/.test(line.slice(at))) continue;
    return at;
  }
  return -1;
}
