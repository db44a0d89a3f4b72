// Worker side of camt.053 uploads: items are staged as the records they become (record-fields.ts), so they
// read like JSON items, except one whose amount is not a whole number of minor units of its currency (or
// whose currency Sluice does not know): it is staged with the file's decimal text as `amount` and fails
// here with the reason, a row error as the issue asks ("8.855" EUR), not a failure of the whole file.

import { currencyDecimals, normalizeCurrency } from '../../money/currencies.js';
import { validateRecordFields, type ValidationResult } from '../../records/validate-record.js';
import { parseDecimal, toMinorUnits } from './decimal.js';

export function decodeCamt053Item(payload: string): ValidationResult {
  const value = JSON.parse(payload) as Record<string, unknown>;
  if (typeof value['amount'] === 'string' && typeof value['currency'] === 'string') {
    const currency = value['currency'];
    if (normalizeCurrency(currency) === undefined) {
      return { ok: false, error: { code: 'invalid_currency', field: 'currency', message: 'the entry\'s currency (Amt Ccy) is not an ISO 4217 code Sluice accepts' } };
    }
    const parsed = parseDecimal(value['amount']);
    const minor = parsed === undefined ? undefined : toMinorUnits(parsed, currency);
    const decimals = currencyDecimals(currency)!;
    const message =
      minor !== undefined && !minor.ok && minor.reason === 'too_large'
        ? 'amount is larger than the largest safe integer number of minor units'
        : `amount is not a whole number of minor units: ${currency} has ${decimals} decimal place${decimals === 1 ? '' : 's'}, so it cannot be stored exactly`;
    return { ok: false, error: { code: 'invalid_amount', field: 'amount', message } };
  }
  return validateRecordFields(value);
}
