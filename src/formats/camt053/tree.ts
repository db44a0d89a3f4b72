// The part of a camt.053 message Sluice reads, as a tree of element specs: each says which children it
// knows, whether its text is collected, and what to do when it opens and closes. Elements are found by
// their place in the tree (Document/BkToCstmrStmt/Stmt/Ntry/...); a child not listed is skipped with its
// whole subtree. Paths differ by version where the schema moved an element (001.08: Sts/Cd, Dbtr/Pty/Nm;
// 001.02: TtlNetNtryAmt): both places are listed.

import type { SaxesTag } from 'saxes';
import { emptyDetails, clean, last4, type BalanceBuilder, type EntryBuilder, type StatementBuilder, type SummaryBuilder } from './builders.js';
import type { Camt053ErrorCode } from './errors.js';
import type { Camt053Amount, Camt053BankTransactionCode, Camt053Party, Camt053TransactionDetails, Direction } from './types.js';

export const MAX_TRANSACTION_DETAILS = 10_000;

export interface Frame {
  spec: Spec | null;
  name: string;
  line: number;
  column: number;
  /** 1-based position among its repeating siblings (Stmt, Bal, Ntry, TxDtls), 0 otherwise. */
  index: number;
}

export interface Spec {
  children?: Record<string, Spec>;
  /** Counts its occurrences under the parent for paths: Stmt[2], Ntry[14]. */
  repeats?: 'stmt' | 'bal' | 'ntry' | 'tx';
  open?(r: TreeHost, tag: SaxesTag, frame: Frame): void;
  /** With `text`, the element's text is collected and passed to close. */
  text?: boolean;
  close?(r: TreeHost, text: string, frame: Frame): void;
}

const spec = (s: Spec): Spec => s;
const children = (map: Record<string, Spec>): Record<string, Spec> => Object.assign(Object.create(null) as Record<string, Spec>, map);

/** What the element specs need of the reader: its open builders, its problems and its statement steps. */
export interface TreeHost {
  statement: StatementBuilder | null;
  balance: BalanceBuilder | null;
  entry: EntryBuilder | null;
  tx: Camt053TransactionDetails | null;
  /** The Ccy attribute of the Amt element being read. */
  currency: string | null;
  messageId: string | null;
  messageCreatedAt: string | null;
  sawGroupHeader: boolean;
  sawBody: boolean;
  rootClosed: boolean;
  statementCount: number;
  fail(code: Camt053ErrorCode, frame: Frame, message: string): void;
  fatal(code: Camt053ErrorCode, frame: Frame, message: string): never;
  amount(text: string, frame: Frame): Camt053Amount | null;
  direction(text: string, frame: Frame): Direction | null;
  openStatement(frame: Frame): void;
  closeStatement(frame: Frame): void;
  closeBalance(frame: Frame): void;
  openEntry(frame: Frame): void;
  closeEntry(frame: Frame): void;
}

/** Setters for one-off elements: a second occurrence is a `duplicate_element`. */
function once<T extends object, K extends keyof T>(r: TreeHost, target: T, key: K, value: T[K], frame: Frame): void {
  if (target[key] !== null && target[key] !== undefined) {
    r.fail('duplicate_element', frame, `${frame.name} occurs more than once here.`);
    return;
  }
  target[key] = value;
}

const dateSpec = (set: (r: TreeHost, date: string, frame: Frame) => void): Spec =>
  spec({
    children: children({
      Dt: spec({ text: true, close: (r, t, f) => set(r, t.trim(), f) }),
      // A date-time's own calendar date, as written (its offset is the bank's).
      DtTm: spec({ text: true, close: (r, t, f) => set(r, t.trim().slice(0, 10), f) }),
    }),
  });

const amountSpec = (set: (r: TreeHost, amount: Camt053Amount, frame: Frame) => void): Spec =>
  spec({
    open: (r, tag) => {
      r.currency = (tag.attributes as Record<string, string>)['Ccy'] ?? null;
    },
    text: true,
    close: (r, t, f) => {
      const amount = r.amount(t, f);
      if (amount) set(r, amount, f);
    },
  });

const directionSpec = (set: (r: TreeHost, d: Direction, frame: Frame) => void): Spec =>
  spec({
    text: true,
    close: (r, t, f) => {
      const d = r.direction(t, f);
      if (d) set(r, d, f);
    },
  });

const bankCodeSpec = (target: (r: TreeHost) => Camt053BankTransactionCode): Spec => {
  let domain: string | null = null;
  let family: string | null = null;
  return spec({
    open: () => {
      domain = null;
      family = null;
    },
    children: children({
      Domn: spec({
        children: children({
          Cd: spec({ text: true, close: (_r, t) => void (domain = clean(t)) }),
          Fmly: spec({
            children: children({
              Cd: spec({ text: true, close: (_r, t) => void (family = clean(t)) }),
              SubFmlyCd: spec({
                text: true,
                close: (r, t) => {
                  const code = target(r);
                  code.iso = [domain, family, clean(t)].filter((p) => p !== null).join('-') || null;
                },
              }),
            }),
          }),
        }),
        close: (r) => {
          const code = target(r);
          if (code.iso === null && domain !== null) code.iso = [domain, family].filter((p) => p !== null).join('-');
        },
      }),
      Prtry: spec({
        children: children({
          Cd: spec({ text: true, close: (r, t) => void (target(r).proprietary = clean(t)) }),
          Issr: spec({ text: true, close: (r, t) => void (target(r).proprietaryIssuer = clean(t)) }),
        }),
      }),
    }),
  });
};

const accountIdSpec = (set: (r: TreeHost, id: string) => void): Spec =>
  spec({
    children: children({
      IBAN: spec({ text: true, close: (r, t) => set(r, t.trim()) }),
      Othr: spec({ children: children({ Id: spec({ text: true, close: (r, t) => set(r, t.trim()) }) }) }),
    }),
  });

const partySpec = (party: (r: TreeHost) => Camt053Party): Spec => {
  const name = spec({ text: true, close: (r, t) => void (party(r).name ??= clean(t)) });
  // v2-v7: Dbtr/Nm; v8: Dbtr/Pty/Nm (Dbtr/Agt names the bank, not the party).
  return spec({ children: children({ Nm: name, Pty: spec({ children: children({ Nm: name }) }) }) });
};

const partyAccountSpec = (party: (r: TreeHost) => Camt053Party): Spec =>
  spec({ children: children({ Id: accountIdSpec((r, id) => void (party(r).accountLast4 ??= id === '' ? null : last4(id))) }) });

const tx = (r: TreeHost): Camt053TransactionDetails => r.tx!;
const ntry = (r: TreeHost): EntryBuilder => r.entry!;
const stmt = (r: TreeHost): StatementBuilder => r.statement!;

const TX_DETAILS = spec({
  repeats: 'tx',
  open: (r, _tag, f) => {
    const entry = ntry(r);
    if (entry.details.length >= MAX_TRANSACTION_DETAILS) r.fatal('too_many_transaction_details', f, `This entry carries more than ${MAX_TRANSACTION_DETAILS} transaction details.`);
    r.tx = emptyDetails(f.line);
  },
  children: children({
    Refs: spec({
      children: children({
        EndToEndId: spec({ text: true, close: (r, t) => void (tx(r).endToEndId = clean(t)) }),
        TxId: spec({ text: true, close: (r, t) => void (tx(r).transactionId = clean(t)) }),
        InstrId: spec({ text: true, close: (r, t) => void (tx(r).instructionId = clean(t)) }),
        AcctSvcrRef: spec({ text: true, close: (r, t) => void (tx(r).accountServicerReference = clean(t)) }),
        MndtId: spec({ text: true, close: (r, t) => void (tx(r).mandateId = clean(t)) }),
        ChqNb: spec({ text: true, close: (r, t) => void (tx(r).chequeNumber = clean(t)) }),
      }),
    }),
    Amt: amountSpec((r, a) => void tx(r).amounts.unshift(a)),
    CdtDbtInd: directionSpec((r, d, f) => once(r, tx(r), 'direction', d, f)),
    AmtDtls: spec({
      children: children({
        TxAmt: spec({ children: children({ Amt: amountSpec((r, a) => void tx(r).amounts.push(a)) }) }),
        CntrValAmt: spec({ children: children({ Amt: amountSpec((r, a) => void tx(r).amounts.push(a)) }) }),
      }),
    }),
    BkTxCd: bankCodeSpec((r) => tx(r).bankTransactionCode),
    RltdPties: spec({
      children: children({
        Dbtr: partySpec((r) => tx(r).debtor),
        Cdtr: partySpec((r) => tx(r).creditor),
        DbtrAcct: partyAccountSpec((r) => tx(r).debtor),
        CdtrAcct: partyAccountSpec((r) => tx(r).creditor),
      }),
    }),
    RmtInf: spec({
      children: children({
        Ustrd: spec({
          text: true,
          close: (r, t) => {
            const line = clean(t);
            if (line !== null) tx(r).unstructured.push(line);
          },
        }),
        Strd: spec({
          children: children({
            CdtrRefInf: spec({ children: children({ Ref: spec({ text: true, close: (r, t) => void (tx(r).creditorReference ??= clean(t)) }) }) }),
          }),
        }),
      }),
    }),
    AddtlTxInf: spec({ text: true, close: (r, t) => void (tx(r).additionalInfo = clean(t)) }),
  }),
  close: (r) => {
    ntry(r).details.push(r.tx!);
    r.tx = null;
  },
});

const STATUS_CODE = spec({ text: true, close: (r, t, f) => once(r, ntry(r), 'status', clean(t), f) });

const ENTRY = spec({
  repeats: 'ntry',
  open: (r, _tag, f) => r.openEntry(f),
  children: children({
    NtryRef: spec({ text: true, close: (r, t) => void (ntry(r).reference = clean(t)) }),
    Amt: amountSpec((r, a, f) => once(r, ntry(r), 'amount', a, f)),
    CdtDbtInd: directionSpec((r, d, f) => once(r, ntry(r), 'direction', d, f)),
    RvslInd: spec({
      text: true,
      close: (r, t, f) => {
        const v = t.trim();
        if (v === 'true' || v === '1') ntry(r).reversal = true;
        else if (v !== 'false' && v !== '0') r.fail('invalid_code', f, 'RvslInd must be true or false.');
      },
    }),
    // v2-v7: <Sts>BOOK</Sts>; v8: <Sts><Cd>BOOK</Cd></Sts> or <Sts><Prtry>...</Prtry></Sts>.
    Sts: spec({
      text: true,
      children: children({ Cd: STATUS_CODE, Prtry: STATUS_CODE }),
      close: (r, t, f) => {
        const status = clean(t);
        if (status !== null) once(r, ntry(r), 'status', status, f);
      },
    }),
    BookgDt: dateSpec((r, d, f) => once(r, ntry(r), 'bookingDate', d, f)),
    ValDt: dateSpec((r, d, f) => once(r, ntry(r), 'valueDate', d, f)),
    AcctSvcrRef: spec({ text: true, close: (r, t) => void (ntry(r).accountServicerReference = clean(t)) }),
    BkTxCd: bankCodeSpec((r) => ntry(r).bankTransactionCode),
    NtryDtls: spec({ children: children({ TxDtls: TX_DETAILS }) }),
    AddtlNtryInf: spec({ text: true, close: (r, t) => void (ntry(r).additionalInfo = clean(t)) }),
  }),
  close: (r, _t, f) => r.closeEntry(f),
});

const BALANCE = spec({
  repeats: 'bal',
  open: (r, _tag, f) => {
    r.balance = { line: f.line, type: null, amount: null, direction: null, date: null };
  },
  children: children({
    Tp: spec({
      children: children({
        CdOrPrtry: spec({
          children: children({
            Cd: spec({ text: true, close: (r, t, f) => once(r, r.balance!, 'type', clean(t), f) }),
            Prtry: spec({ text: true, close: (r, t, f) => once(r, r.balance!, 'type', clean(t), f) }),
          }),
        }),
      }),
    }),
    Amt: amountSpec((r, a, f) => once(r, r.balance!, 'amount', a, f)),
    CdtDbtInd: directionSpec((r, d, f) => once(r, r.balance!, 'direction', d, f)),
    Dt: dateSpec((r, d) => void (r.balance!.date ??= d)),
  }),
  close: (r, _t, f) => r.closeBalance(f),
});

const countSum = (target: (r: TreeHost) => { count: string | null; sum: string | null }): Spec =>
  spec({
    children: children({
      NbOfNtries: spec({ text: true, close: (r, t) => void (target(r).count = t.trim()) }),
      Sum: spec({ text: true, close: (r, t) => void (target(r).sum = t.trim()) }),
    }),
  });

const summary = (r: TreeHost): SummaryBuilder => stmt(r).summary!;

const SUMMARY = spec({
  open: (r, _tag, f) => {
    stmt(r).summary = { line: f.line, total: { count: null, sum: null, net: null, netDirection: null }, credit: null, debit: null };
  },
  children: children({
    TtlNtries: spec({
      children: children({
        NbOfNtries: spec({ text: true, close: (r, t) => void (summary(r).total.count = t.trim()) }),
        Sum: spec({ text: true, close: (r, t) => void (summary(r).total.sum = t.trim()) }),
        // v2: TtlNetNtryAmt and CdtDbtInd; v3+: TtlNetNtry/Amt and TtlNetNtry/CdtDbtInd.
        TtlNetNtryAmt: spec({ text: true, close: (r, t) => void (summary(r).total.net = t.trim()) }),
        CdtDbtInd: spec({ text: true, close: (r, t) => void (summary(r).total.netDirection = t.trim()) }),
        TtlNetNtry: spec({
          children: children({
            Amt: spec({ text: true, close: (r, t) => void (summary(r).total.net = t.trim()) }),
            CdtDbtInd: spec({ text: true, close: (r, t) => void (summary(r).total.netDirection = t.trim()) }),
          }),
        }),
      }),
    }),
    TtlCdtNtries: spec({
      open: (r) => void (summary(r).credit = { count: null, sum: null }),
      ...countSum((r) => summary(r).credit!),
    }),
    TtlDbtNtries: spec({
      open: (r) => void (summary(r).debit = { count: null, sum: null }),
      ...countSum((r) => summary(r).debit!),
    }),
  }),
});

const STATEMENT = spec({
  repeats: 'stmt',
  open: (r, _tag, f) => r.openStatement(f),
  children: children({
    Id: spec({ text: true, close: (r, t, f) => once(r, stmt(r), 'id', t.trim(), f) }),
    ElctrncSeqNb: spec({ text: true, close: (r, t) => void (stmt(r).electronicSequence = clean(t)) }),
    LglSeqNb: spec({ text: true, close: (r, t) => void (stmt(r).legalSequence = clean(t)) }),
    CreDtTm: spec({ text: true, close: (r, t) => void (stmt(r).createdAt = clean(t)) }),
    Acct: spec({
      open: (r, _tag, f) => {
        if (stmt(r).account.seen) r.fail('duplicate_element', f, 'Acct occurs more than once here.');
        stmt(r).account.seen = true;
      },
      children: children({
        Id: accountIdSpec((r, id) => {
          const account = stmt(r).account;
          if (account.iban === null && account.other === null) account.iban = id;
        }),
        Ccy: spec({ text: true, close: (r, t) => void (stmt(r).account.currency = clean(t)) }),
      }),
    }),
    Bal: BALANCE,
    TxsSummry: SUMMARY,
    Ntry: ENTRY,
  }),
  close: (r, _t, f) => r.closeStatement(f),
});

export const DOCUMENT = spec({
  children: children({
    BkToCstmrStmt: spec({
      children: children({
        GrpHdr: spec({
          open: (r) => void (r.sawGroupHeader = true),
          children: children({
            MsgId: spec({ text: true, close: (r, t, f) => once(r, r, 'messageId', t.trim(), f) }),
            CreDtTm: spec({ text: true, close: (r, t) => void (r.messageCreatedAt = clean(t)) }),
          }),
        }),
        Stmt: STATEMENT,
      }),
      close: (r, _t, f) => {
        if (!r.sawGroupHeader) r.fail('missing_element', f, 'The message has no group header (GrpHdr).');
        if (r.statementCount === 0) r.fail('missing_element', f, 'The message holds no statement (Stmt): a camt.053 message has at least one.');
      },
    }),
  }),
  close: (r, _t, f) => {
    r.rootClosed = true;
    if (!r.sawBody) r.fail('missing_element', f, 'The Document holds no BkToCstmrStmt.');
  },
});
