// The return reason codes (addenda 99) and change codes (addenda 98) NACHA defines. A code outside these
// lists cannot be interpreted (the originator would not know why its entry came back, or what to
// correct), so it is an error; moov-io/ach rejects such files too. docs/nacha.md prints both tables.

/** Return reason codes: R01-R47, R50-R53 (RCK), R61-R62 and R67-R70 (dishonored), R71-R77 (contested), R80-R85 (IAT). */
export const RETURN_REASON_CODES: Readonly<Record<string, string>> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account / unable to locate account',
  R04: 'Invalid account number structure',
  R05: 'Unauthorized debit to consumer account using corporate SEC code',
  R06: 'Returned per ODFI request',
  R07: 'Authorization revoked by customer',
  R08: 'Payment stopped',
  R09: 'Uncollected funds',
  R10: 'Customer advises originator is not known or not authorized',
  R11: 'Customer advises entry not in accordance with the terms of the authorization',
  R12: 'Account sold to another DFI',
  R13: 'Invalid ACH routing number / RDFI not qualified to participate',
  R14: 'Representative payee deceased or unable to continue',
  R15: 'Beneficiary or account holder deceased',
  R16: 'Account frozen / entry returned per OFAC instruction',
  R17: 'File record edit criteria / entry with invalid account number initiated under questionable circumstances',
  R18: 'Improper effective entry date',
  R19: 'Amount field error',
  R20: 'Non-transaction account',
  R21: 'Invalid company identification',
  R22: 'Invalid individual ID number',
  R23: 'Credit entry refused by receiver',
  R24: 'Duplicate entry',
  R25: 'Addenda error',
  R26: 'Mandatory field error',
  R27: 'Trace number error',
  R28: 'Routing number check digit error',
  R29: 'Corporate customer advises not authorized',
  R30: 'RDFI not participant in check truncation program',
  R31: 'Permissible return entry (CCD and CTX only)',
  R32: 'RDFI non-settlement',
  R33: 'Return of XCK entry',
  R34: 'Limited participation DFI',
  R35: 'Return of improper debit entry',
  R36: 'Return of improper credit entry',
  R37: 'Source document presented for payment',
  R38: 'Stop payment on source document',
  R39: 'Improper source document / source document presented for payment',
  R40: 'Return of ENR entry by federal government agency',
  R41: 'Invalid transaction code (ENR)',
  R42: 'Routing number / check digit error (ENR)',
  R43: 'Invalid DFI account number (ENR)',
  R44: 'Invalid individual ID number / identification number (ENR)',
  R45: 'Invalid individual name / company name (ENR)',
  R46: 'Invalid representative payee indicator (ENR)',
  R47: 'Duplicate enrollment (ENR)',
  R50: 'State law affecting RCK acceptance',
  R51: 'Item related to RCK entry is ineligible or RCK entry is improper',
  R52: 'Stop payment on item related to RCK entry',
  R53: 'Item and RCK entry presented for payment',
  R61: 'Misrouted return (dishonored)',
  R62: 'Return of erroneous or reversing debit (dishonored)',
  R67: 'Duplicate return (dishonored)',
  R68: 'Untimely return (dishonored)',
  R69: 'Field error(s) (dishonored)',
  R70: 'Permissible return entry not accepted / return not requested by ODFI (dishonored)',
  R71: 'Misrouted dishonored return (contested)',
  R72: 'Untimely dishonored return (contested)',
  R73: 'Timely original return (contested)',
  R74: 'Corrected return (contested)',
  R75: 'Return not a duplicate (contested)',
  R76: 'No errors found (contested)',
  R77: 'Non-acceptance of R62 dishonored return (contested)',
  R80: 'IAT entry coding error',
  R81: 'Non-participant in IAT program',
  R82: 'Invalid foreign receiving DFI identification',
  R83: 'Foreign receiving DFI unable to settle',
  R84: 'Entry not processed by gateway',
  R85: 'Incorrectly coded outbound international payment',
};

/**
 * Change codes: C01-C14 correct a field of the original entry, C61-C69 refuse a notification of change.
 * NACHA defines C08 (IAT receiving DFI), C13 (addenda format) and C14 (SEC code of an outbound
 * international payment) although moov-io/ach's table stops at C12: Sluice accepts them.
 */
export const CHANGE_CODES: Readonly<Record<string, string>> = {
  C01: 'Incorrect DFI account number',
  C02: 'Incorrect routing number',
  C03: 'Incorrect routing number and DFI account number',
  C04: 'Incorrect individual name / receiving company name',
  C05: 'Incorrect transaction code',
  C06: 'Incorrect DFI account number and transaction code',
  C07: 'Incorrect routing number, DFI account number and transaction code',
  C08: 'Incorrect receiving DFI identification (IAT only)',
  C09: 'Incorrect individual identification number',
  C10: 'Incorrect company name',
  C11: 'Incorrect company identification',
  C12: 'Incorrect company name and company identification',
  C13: 'Addenda format error',
  C14: 'Incorrect SEC code for outbound international payment',
  C61: 'Misrouted notification of change (refused)',
  C62: 'Incorrect trace number (refused)',
  C63: 'Incorrect company identification number (refused)',
  C64: 'Incorrect individual identification number (refused)',
  C65: 'Incorrectly formatted corrected data (refused)',
  C66: 'Incorrect discretionary data (refused)',
  C67: 'Routing number not from original entry detail record (refused)',
  C68: 'DFI account number not from original entry detail record (refused)',
  C69: 'Incorrect transaction code (refused)',
};

export function isReturnReasonCode(code: string): boolean {
  return Object.hasOwn(RETURN_REASON_CODES, code);
}

export function isChangeCode(code: string): boolean {
  return Object.hasOwn(CHANGE_CODES, code);
}
