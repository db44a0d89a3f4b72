// A 64-bit content hash (two independent 32-bit multiplicative lanes) of a detail in its context: the
// file header, the group header, the account (last four characters and currency) and every field of the
// detail. It goes into external_id so that two different files that share one identity (sender, creation
// date and time, file id) still give different ids at the same position. Not cryptographic, and not meant
// to be: ids only need to differ when content differs and stay stable when it does not. A full account
// number is never hashed: the hash is published, and a dozen digits would be recoverable by brute force.
//
// The file, group and account part is hashed once per account and kept, so a detail pays only for its own
// fields (SHA-256 per detail cost more than reading the detail).

import type { Bai2Account, Bai2Detail, Bai2FileHeader, Bai2GroupHeader } from './types.js';

interface HashState {
  a: number;
  b: number;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function step(state: HashState, c: number): void {
  let a = Math.imul(state.a ^ c, 0x01000193);
  a ^= a >>> 15;
  let b = Math.imul(state.b ^ c, 0x5bd1e995);
  b ^= b >>> 13;
  state.a = a;
  state.b = b;
}

/** Feeds a string two characters per step, then its length, so that parts stay separate. */
function feed(state: HashState, s: string): void {
  const end = s.length;
  let i = 0;
  for (; i + 1 < end; i += 2) step(state, (s.charCodeAt(i) << 16) | s.charCodeAt(i + 1));
  if (i < end) step(state, s.charCodeAt(i) | 0x7fff0000);
  step(state, 0x80000000 | end);
}

const hex32 = (n: number) => HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;

const contexts = new WeakMap<Bai2Account, HashState>();

function context(file: Bai2FileHeader, group: Bai2GroupHeader, account: Bai2Account): HashState {
  let state = contexts.get(account);
  if (state) return state;
  state = { a: 0x811c9dc5, b: 0x9747b28c };
  for (const s of [file.senderId, file.receiverId, file.creationDateRaw, file.creationTime, file.fileId]) feed(state, s);
  for (const s of [group.ultimateReceiverId, group.originatorId, group.groupStatus, group.asOfDate, group.asOfTime, group.currency]) feed(state, s);
  feed(state, account.accountLast4);
  feed(state, account.currency);
  contexts.set(account, state);
  return state;
}

/** 16 hex digits. */
export function detailFingerprint(detail: Bai2Detail, file: Bai2FileHeader, group: Bai2GroupHeader, account: Bai2Account): string {
  const base = context(file, group, account);
  const state = { a: base.a, b: base.b };
  feed(state, detail.typeCode);
  step(state, detail.amount >>> 0);
  step(state, Math.floor(detail.amount / 4294967296) >>> 0);
  feed(state, detail.funds.code);
  feed(state, detail.funds.valueDate ?? '');
  feed(state, detail.bankReference);
  feed(state, detail.customerReference);
  feed(state, detail.text);
  // Final avalanche of each lane, each mixed with the other.
  let a = state.a ^ (state.b >>> 7);
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a ^= a >>> 13;
  let b = state.b ^ (state.a >>> 11);
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  return hex32(a >>> 0) + hex32(b >>> 0);
}
