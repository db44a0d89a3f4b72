// A camt.053 writer for tests and the benchmark: builds statements of versions 001.02 to 001.08 as a bank
// would, each element where that version's schema puts it (v2: amounts of details under AmtDtls/TxAmt,
// TtlNetNtryAmt; v3+: TxDtls/Amt, TtlNetNtry/Amt; v8: Sts/Cd, Dbtr/Pty/Nm). Pieces are strings, so the
// benchmark can stream a file of any size without holding it.

export type Version = '02' | '03' | '04' | '05' | '06' | '07' | '08';
export const VERSIONS: Version[] = ['02', '03', '04', '05', '06', '07', '08'];

export interface DetailSpec {
  amount?: string;
  currency?: string;
  direction?: 'CRDT' | 'DBIT';
  endToEndId?: string;
  debtorName?: string;
  debtorIban?: string;
  creditorName?: string;
  creditorIban?: string;
  ustrd?: string[];
  creditorRef?: string;
}

export interface EntrySpec {
  amount: string;
  currency: string;
  direction: 'CRDT' | 'DBIT';
  status?: string;
  bookingDate?: string | null;
  valueDate?: string;
  ref?: string;
  acctSvcrRef?: string;
  domain?: [string, string, string];
  proprietary?: string;
  reversal?: boolean;
  additionalInfo?: string;
  details?: DetailSpec[];
}

export interface BalanceSpec {
  type: string;
  amount: string;
  currency: string;
  direction: 'CRDT' | 'DBIT';
  date: string;
}

export interface StatementSpec {
  id: string;
  iban: string;
  currency?: string;
  sequence?: string;
  balances: BalanceSpec[];
  summary?: { count: number; sum: string; net: string; netDirection: 'CRDT' | 'DBIT'; credit?: [number, string]; debit?: [number, string] };
  entries: EntrySpec[];
}

export interface MessageSpec {
  version: Version;
  messageId: string;
  createdAt?: string;
  statements: StatementSpec[];
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const namespaceOf = (version: Version) => `urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}`;

export function documentStart(message: Pick<MessageSpec, 'version' | 'messageId' | 'createdAt'>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${namespaceOf(message.version)}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n` +
    `<BkToCstmrStmt><GrpHdr><MsgId>${esc(message.messageId)}</MsgId><CreDtTm>${message.createdAt ?? '2024-01-31T18:00:00+01:00'}</CreDtTm></GrpHdr>\n`
  );
}

export const documentEnd = () => '</BkToCstmrStmt>\n</Document>\n';

const balanceXml = (b: BalanceSpec) =>
  `<Bal><Tp><CdOrPrtry><Cd>${b.type}</Cd></CdOrPrtry></Tp><Amt Ccy="${b.currency}">${b.amount}</Amt><CdtDbtInd>${b.direction}</CdtDbtInd><Dt><Dt>${b.date}</Dt></Dt></Bal>\n`;

function summaryXml(version: Version, s: NonNullable<StatementSpec['summary']>): string {
  const net = version === '02' ? `<TtlNetNtryAmt>${s.net}</TtlNetNtryAmt><CdtDbtInd>${s.netDirection}</CdtDbtInd>` : `<TtlNetNtry><Amt>${s.net}</Amt><CdtDbtInd>${s.netDirection}</CdtDbtInd></TtlNetNtry>`;
  const part = (name: string, v?: [number, string]) => (v ? `<${name}><NbOfNtries>${v[0]}</NbOfNtries><Sum>${v[1]}</Sum></${name}>` : '');
  return `<TxsSummry><TtlNtries><NbOfNtries>${s.count}</NbOfNtries><Sum>${s.sum}</Sum>${net}</TtlNtries>${part('TtlCdtNtries', s.credit)}${part('TtlDbtNtries', s.debit)}</TxsSummry>\n`;
}

export function statementStart(version: Version, s: Omit<StatementSpec, 'entries'>): string {
  return (
    `<Stmt><Id>${esc(s.id)}</Id>${s.sequence ? `<ElctrncSeqNb>${s.sequence}</ElctrncSeqNb>` : ''}<CreDtTm>2024-01-31T18:00:00+01:00</CreDtTm>` +
    `<Acct><Id><IBAN>${s.iban}</IBAN></Id>${s.currency ? `<Ccy>${s.currency}</Ccy>` : ''}</Acct>\n` +
    s.balances.map(balanceXml).join('') +
    (s.summary ? summaryXml(version, s.summary) : '')
  );
}

export const statementEnd = () => '</Stmt>\n';

function party(version: Version, role: 'Dbtr' | 'Cdtr', name: string | undefined): string {
  if (name === undefined) return '';
  return version === '08' ? `<${role}><Pty><Nm>${esc(name)}</Nm></Pty></${role}>` : `<${role}><Nm>${esc(name)}</Nm></${role}>`;
}

const account = (role: 'DbtrAcct' | 'CdtrAcct', iban: string | undefined) => (iban === undefined ? '' : `<${role}><Id><IBAN>${iban}</IBAN></Id></${role}>`);

function detailXml(version: Version, d: DetailSpec, entry: EntrySpec): string {
  const currency = d.currency ?? entry.currency;
  let amount = '';
  if (d.amount !== undefined) {
    amount =
      version === '02'
        ? `<AmtDtls><TxAmt><Amt Ccy="${currency}">${d.amount}</Amt></TxAmt></AmtDtls>`
        : `<Amt Ccy="${currency}">${d.amount}</Amt><CdtDbtInd>${d.direction ?? entry.direction}</CdtDbtInd>`;
  }
  const parties = party(version, 'Dbtr', d.debtorName) + account('DbtrAcct', d.debtorIban) + party(version, 'Cdtr', d.creditorName) + account('CdtrAcct', d.creditorIban);
  const remittance =
    d.ustrd || d.creditorRef
      ? `<RmtInf>${(d.ustrd ?? []).map((u) => `<Ustrd>${esc(u)}</Ustrd>`).join('')}${d.creditorRef ? `<Strd><CdtrRefInf><Ref>${esc(d.creditorRef)}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf>`
      : '';
  return (
    `<TxDtls>${d.endToEndId ? `<Refs><EndToEndId>${esc(d.endToEndId)}</EndToEndId></Refs>` : ''}${amount}` +
    `${parties ? `<RltdPties>${parties}</RltdPties>` : ''}${remittance}</TxDtls>`
  );
}

export function entryXml(version: Version, e: EntrySpec): string {
  const status = e.status ?? 'BOOK';
  const date = (name: string, d: string | null | undefined) => (d ? `<${name}><Dt>${d}</Dt></${name}>` : '');
  const code =
    e.domain || e.proprietary
      ? `<BkTxCd>${e.domain ? `<Domn><Cd>${e.domain[0]}</Cd><Fmly><Cd>${e.domain[1]}</Cd><SubFmlyCd>${e.domain[2]}</SubFmlyCd></Fmly></Domn>` : ''}${e.proprietary ? `<Prtry><Cd>${esc(e.proprietary)}</Cd></Prtry>` : ''}</BkTxCd>`
      : '';
  return (
    `<Ntry>${e.ref ? `<NtryRef>${esc(e.ref)}</NtryRef>` : ''}<Amt Ccy="${e.currency}">${e.amount}</Amt><CdtDbtInd>${e.direction}</CdtDbtInd>` +
    `${e.reversal ? '<RvslInd>true</RvslInd>' : ''}${version === '08' ? `<Sts><Cd>${status}</Cd></Sts>` : `<Sts>${status}</Sts>`}` +
    `${date('BookgDt', e.bookingDate === undefined ? '2024-01-15' : e.bookingDate)}${date('ValDt', e.valueDate)}${e.acctSvcrRef ? `<AcctSvcrRef>${esc(e.acctSvcrRef)}</AcctSvcrRef>` : ''}${code}` +
    `${e.details && e.details.length > 0 ? `<NtryDtls>${e.details.map((d) => detailXml(version, d, e)).join('')}</NtryDtls>` : ''}` +
    `${e.additionalInfo ? `<AddtlNtryInf>${esc(e.additionalInfo)}</AddtlNtryInf>` : ''}</Ntry>\n`
  );
}

export function writeMessage(m: MessageSpec): string {
  let out = documentStart(m);
  for (const s of m.statements) {
    out += statementStart(m.version, s);
    for (const e of s.entries) out += entryXml(m.version, e);
    out += statementEnd();
  }
  return out + documentEnd();
}

// ---------- exact decimal helpers for building consistent statements ----------

/** A decimal string ("12.34") in units of 10^-5, exactly. */
export function toUnits(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole || '0') * 100000n + BigInt((fraction + '00000').slice(0, 5));
}

export function fromUnits(units: bigint, decimals = 2): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / 100000n;
  const fraction = (abs % 100000n).toString().padStart(5, '0').slice(0, Math.max(decimals, 0));
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/** Opening + booked entries -> closing booked balance, and the summary, so the statement adds up. */
export function balanced(s: Omit<StatementSpec, 'balances' | 'summary'> & { opening: bigint; currency: string }, decimals = 2, withSummary = true): StatementSpec {
  let net = 0n;
  let credit = 0n;
  let debit = 0n;
  let creditCount = 0;
  let debitCount = 0;
  for (const e of s.entries) {
    const v = toUnits(e.amount);
    if (e.direction === 'CRDT') {
      credit += v;
      creditCount++;
    } else {
      debit += v;
      debitCount++;
    }
    if ((e.status ?? 'BOOK') === 'BOOK') net += e.direction === 'CRDT' ? v : -v;
  }
  const closing = s.opening + net;
  const bal = (type: string, v: bigint, date: string): BalanceSpec => ({ type, amount: fromUnits(v < 0n ? -v : v, decimals), currency: s.currency, direction: v < 0n ? 'DBIT' : 'CRDT', date });
  const total = credit - debit;
  return {
    id: s.id,
    iban: s.iban,
    currency: s.currency,
    ...(s.sequence ? { sequence: s.sequence } : {}),
    balances: [bal('OPBD', s.opening, '2024-01-01'), bal('CLBD', closing, '2024-01-31')],
    ...(withSummary
      ? {
          summary: {
            count: s.entries.length,
            sum: fromUnits(credit + debit, decimals),
            net: fromUnits(total < 0n ? -total : total, decimals),
            netDirection: total < 0n ? ('DBIT' as const) : ('CRDT' as const),
            credit: [creditCount, fromUnits(credit, decimals)] as [number, string],
            debit: [debitCount, fromUnits(debit, decimals)] as [number, string],
          },
        }
      : {}),
    entries: s.entries,
  };
}
