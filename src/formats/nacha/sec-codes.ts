// Standard Entry Class codes (batch header positions 51-53) and what each implies for its entries: which
// entry detail layout applies and which addenda types may follow an entry.

/**
 * How positions 40-78 of a (non-ADV, non-IAT) entry detail are divided. The money fields (1-39) and the
 * trace number (80-94) are the same for all of them.
 */
export type EntryVariant = 'standard' | 'ctx' | 'cie' | 'check_truncation' | 'shr' | 'adv' | 'iat';

export const SEC_CODES = [
  'ACK', 'ADV', 'ARC', 'ATX', 'BOC', 'CCD', 'CIE', 'COR', 'CTX', 'DNE', 'ENR', 'IAT',
  'MTE', 'POP', 'POS', 'PPD', 'RCK', 'SHR', 'TEL', 'TRC', 'TRX', 'WEB', 'XCK',
] as const;

export type SecCode = (typeof SEC_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(SEC_CODES);

export function isKnownSecCode(code: string): code is SecCode {
  return KNOWN.has(code);
}

export function entryVariantOf(sec: string): EntryVariant {
  switch (sec) {
    case 'ADV':
      return 'adv';
    case 'IAT':
      return 'iat';
    case 'CTX':
    case 'ATX':
    case 'TRX':
      return 'ctx';
    case 'CIE':
      return 'cie';
    case 'TRC':
    case 'XCK':
      return 'check_truncation';
    case 'SHR':
      return 'shr';
    default:
      return 'standard';
  }
}

// Addenda type codes, as bits, allowed after an entry of each SEC code. Returns (99) may follow any
// entry: they are how an RDFI answers whatever it received. Notifications of change (98) travel in COR
// batches only (moov-io/ach rejects an addenda 98 elsewhere).
export const ADDENDA_02 = 1;
export const ADDENDA_05 = 2;
export const ADDENDA_98 = 4;
export const ADDENDA_99 = 8;
export const ADDENDA_IAT = 16;

const ADDENDA_05_SEC: ReadonlySet<string> = new Set(['ACK', 'ATX', 'CCD', 'CIE', 'CTX', 'DNE', 'ENR', 'PPD', 'TRX', 'WEB']);
const ADDENDA_02_SEC: ReadonlySet<string> = new Set(['MTE', 'POS', 'SHR']);

export function allowedAddenda(sec: string): number {
  // An unknown SEC code is reported once on its batch header; its addenda are not second-guessed.
  if (!KNOWN.has(sec)) return ADDENDA_02 | ADDENDA_05 | ADDENDA_98 | ADDENDA_99 | ADDENDA_IAT;
  let allowed = ADDENDA_99;
  if (sec === 'COR') allowed |= ADDENDA_98;
  if (sec === 'IAT') return allowed | ADDENDA_IAT;
  if (ADDENDA_05_SEC.has(sec)) allowed |= ADDENDA_05;
  if (ADDENDA_02_SEC.has(sec)) allowed |= ADDENDA_02;
  return allowed;
}

/** Positions 40-78 of each variant, for docs/nacha.md. */
export const ENTRY_VARIANT_DOCS: Record<Exclude<EntryVariant, 'adv' | 'iat'>, { sec: string; fields: string }> = {
  standard: {
    sec: 'PPD, CCD, WEB, TEL, ACK, DNE, ENR, COR, MTE, POS, POP, ARC, BOC, RCK, and unknown SEC codes',
    fields: '40-54 individual identification number (check serial number for ARC/BOC/RCK/POP), 55-76 individual/receiving company name, 77-78 discretionary data',
  },
  ctx: {
    sec: 'CTX, ATX, TRX',
    fields: '40-54 identification number, 55-58 number of addenda records, 59-74 receiving company name, 75-76 reserved, 77-78 discretionary data',
  },
  cie: {
    sec: 'CIE',
    fields: '40-54 individual name, 55-76 individual identification number, 77-78 discretionary data',
  },
  check_truncation: {
    sec: 'TRC, XCK',
    fields: '40-54 check serial number (the identification number), 55-60 process control field, 61-76 item research number, 77-78 item type indicator / discretionary data; no name',
  },
  shr: {
    sec: 'SHR',
    fields: '40-43 card expiration date, 44-54 document reference number (the identification number), 55-76 individual card account number (never exposed), 77-78 card transaction type code; no name',
  },
};
