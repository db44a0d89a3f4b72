// A 64-bit content hash (two independent 32-bit multiplicative lanes) of an entry in its context: the
// file header, the batch header and the entry's own fields. It goes into external_id so that two
// different files sharing one file identity (origin, creation date/time, modifier) and trace numbers --
// NACHA forbids it, generators do it, see segmentFile-ppd-credit/debit.ach -- still give different ids.
// Not cryptographic, and not meant to be: ids only need to differ when content differs, and to be stable
// when it does not. Line numbers are left out, so only content counts.
//
// The account number is hashed as its last four characters only: the hash is published in external_id
// and a full account number of a dozen digits would be recoverable from it by brute force.
//
// Computed when a record is made, not while parsing, so the parser's hot path does not pay for it; the
// file and batch parts are hashed once per header object and cached.

import type { NachaBatchHeader, NachaEntry, NachaFileHeader } from './types.js';

interface HashState {
  a: number;
  b: number;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Feeds a string, four characters per step, ending with a length-tagged step so parts stay separate. */
function hashString(state: HashState, s: string): void {
  let a = state.a;
  let b = state.b;
  const end = s.length;
  let i = 0;
  for (; i + 3 < end; i += 4) {
    const c = (s.charCodeAt(i) << 24) ^ (s.charCodeAt(i + 1) << 16) ^ (s.charCodeAt(i + 2) << 8) ^ s.charCodeAt(i + 3);
    a = Math.imul(a ^ c, 0x01000193);
    a ^= a >>> 15;
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  let c = 0x80 + end;
  for (; i < end; i++) c = (c << 8) ^ s.charCodeAt(i);
  a = Math.imul(a ^ c, 0x01000193);
  a ^= a >>> 15;
  b = Math.imul(b ^ c, 0x5bd1e995);
  b ^= b >>> 13;
  state.a = a;
  state.b = b;
}

/** Integers up to 2^53, as their low and high 32 bits. */
function hashNumber(state: HashState, n: number): void {
  let a = state.a;
  let b = state.b;
  for (const c of [n >>> 0, Math.floor(n / 4294967296) >>> 0]) {
    a = Math.imul(a ^ c, 0x01000193);
    a ^= a >>> 15;
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  state.a = a;
  state.b = b;
}

function hex(state: HashState): string {
  const { a, b } = state;
  return (
    HEX[(a >>> 24) & 255]! + HEX[(a >>> 16) & 255]! + HEX[(a >>> 8) & 255]! + HEX[a & 255]! +
    HEX[(b >>> 24) & 255]! + HEX[(b >>> 16) & 255]! + HEX[(b >>> 8) & 255]! + HEX[b & 255]!
  );
}

const fileSeeds = new WeakMap<NachaFileHeader, HashState>();
const batchSeeds = new WeakMap<NachaBatchHeader, { file: NachaFileHeader; seed: HashState }>();

function fileSeed(file: NachaFileHeader): HashState {
  let seed = fileSeeds.get(file);
  if (seed === undefined) {
    seed = { a: 0x811c9dc5, b: 0x050c5d1f };
    for (const value of [
      file.priorityCode, file.immediateDestination, file.immediateOrigin, file.fileCreationDateRaw,
      file.fileCreationTime, file.fileIdModifier, file.recordSize, file.blockingFactor, file.formatCode,
      file.immediateDestinationName, file.immediateOriginName, file.referenceCode,
    ]) hashString(seed, value);
    fileSeeds.set(file, seed);
  }
  return seed;
}

function batchSeed(batch: NachaBatchHeader, file: NachaFileHeader): HashState {
  const cached = batchSeeds.get(batch);
  if (cached !== undefined && cached.file === file) return cached.seed;
  const base = fileSeed(file);
  const seed = { a: base.a, b: base.b };
  hashNumber(seed, batch.serviceClassCode + 1);
  for (const value of [
    batch.companyName, batch.companyDiscretionaryData, batch.companyIdentification, batch.secCode,
    batch.companyEntryDescription, batch.companyDescriptiveDate, batch.effectiveEntryDateRaw, batch.settlementDate,
    batch.originatorStatusCode, batch.odfiIdentification,
  ]) hashString(seed, value);
  hashNumber(seed, batch.batchNumber + 1);
  if (batch.iat !== null) {
    const iat = batch.iat;
    for (const value of [
      iat.iatIndicator, iat.foreignExchangeIndicator, iat.foreignExchangeReferenceIndicator, iat.foreignExchangeReference,
      iat.isoDestinationCountryCode, iat.isoOriginatingCurrencyCode, iat.isoDestinationCurrencyCode,
    ]) hashString(seed, value);
  }
  batchSeeds.set(batch, { file, seed });
  return seed;
}

const scratch: HashState = { a: 0, b: 0 };

/** 16 hex digits; the same entry of the same file always gives the same value. */
export function entryFingerprint(entry: NachaEntry, file: NachaFileHeader): string {
  const seed = batchSeed(entry.batch, file);
  const state = scratch;
  state.a = seed.a;
  state.b = seed.b;
  hashNumber(state, entry.transactionCode + 1);
  hashString(state, entry.rdfiRoutingNumber);
  hashString(state, entry.accountLast4);
  hashNumber(state, entry.amount);
  hashString(state, entry.individualIdentification);
  hashString(state, entry.individualName);
  hashString(state, entry.discretionaryData);
  hashNumber(state, entry.addendaRecordIndicator);
  hashString(state, entry.traceNumber);
  if (entry.adv !== null) {
    const adv = entry.adv;
    for (const value of [adv.adviceRoutingNumber, adv.fileIdentification, adv.achOperatorData]) hashString(state, value);
  }
  return hex(state);
}
