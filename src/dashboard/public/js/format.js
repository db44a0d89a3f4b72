// Display helpers. Amounts stay integers: they are formatted from minor units with string arithmetic,
// never divided as floating point.

/** 123456, 2 → "1,234.56"; -5, 2 → "-0.05"; 1234, 0 → "1,234". `amount` is a safe integer. */
export function formatMinor(amount, decimals) {
  const negative = amount < 0;
  let digits = String(Math.abs(amount));
  if (decimals > 0) digits = digits.padStart(decimals + 1, '0');
  const whole = decimals > 0 ? digits.slice(0, -decimals) : digits;
  const fraction = decimals > 0 ? digits.slice(-decimals) : '';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

export function formatAmount(amount, currency, decimals) {
  return `${formatMinor(amount, decimals)} ${currency}`;
}

/** A record's amount with its direction: debits shown negative, as a bank statement does. */
export function signedAmount(record) {
  const value = record.direction === 'debit' ? -record.amount : record.amount;
  return formatAmount(value, record.currency, record.decimal_places);
}

export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** "12 s ago", "3 min ago" from a timestamp; `now` for tests of the page. */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatCount(n) {
  return String(n ?? 0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const ACCOUNT_KEY = /account|acct|iban|routing.*number|card/i;

/**
 * Never more than the last four characters of an account number. The API keeps only `account_last4` for
 * NACHA, but CSV metadata holds whatever columns the file had: a value under an account-like key with
 * more than four characters is masked to its last four.
 */
export function maskValue(key, value) {
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const text = String(value);
  if (!ACCOUNT_KEY.test(key) || /last4|last_4/i.test(key)) return text;
  const compact = text.replace(/[\s-]/g, '');
  if (compact.length <= 4) return text;
  return `••••${compact.slice(-4)}`;
}

/** Metadata as "key: value" pairs, masked, nested objects as JSON (masked key by key at the top level). */
export function metadataPairs(metadata) {
  return Object.entries(metadata ?? {}).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(maskValue(k, v))]);
}
