// What a BAI2 file says about itself, read with nothing but regular expressions, independently of
// src/formats/bai2: its trailers' control totals and counts, in file order. Tests compare what was
// imported against these.

/** Records start at a line start or after a "/" terminator; a trailer holds no text, so this finds them all. */
const TRAILER = (code: string) => new RegExp(`(?:^|/)[ \\t]*${code},([+-]?\\d+),(\\d+)(?:,(\\d+))?[ \\t]*/`, 'gm');

const big = (s: string) => BigInt(s);

export interface DeclaredBai2 {
  /** One per 49, in file order: control total and record count. */
  accounts: { total: bigint; records: number }[];
  groups: { total: bigint; accounts: number; records: number }[];
  file: { total: bigint; groups: number; records: number } | null;
}

export function declaredBai2(text: string): DeclaredBai2 {
  const accounts = [...text.matchAll(TRAILER('49'))].map((m) => ({ total: big(m[1]!), records: Number(m[2]) }));
  const groups = [...text.matchAll(TRAILER('98'))].map((m) => ({ total: big(m[1]!), accounts: Number(m[2]), records: Number(m[3]) }));
  const file = [...text.matchAll(TRAILER('99'))].map((m) => ({ total: big(m[1]!), groups: Number(m[2]), records: Number(m[3]) }))[0] ?? null;
  return { accounts, groups, file };
}

/** Every customer account number of the 03 records (to prove none of them is stored whole). */
export function bai2AccountNumbers(text: string): string[] {
  return [...text.matchAll(/(?:^|\/)[ \t]*03,([^,/]*),/gm)].map((m) => m[1]!).filter((a) => a.length > 0);
}
