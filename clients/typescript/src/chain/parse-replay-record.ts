import type { ClientEvent, Seal } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;

/** A replayed event with the context its hash binds. */
export type EventRecord = ClientEvent & { kind: 'event'; table: string; session_id: string };
/** A replayed seal, reduced to the fields of contract §3. */
export type SealRecord = Seal & { kind: 'seal' };

export type ParsedRecord = { ok: true; record: EventRecord | SealRecord } | { ok: false; detail: string };

type Fields = Record<string, unknown>;

const isSeq = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 1;
const isHex = (x: unknown): x is string => typeof x === 'string' && HEX64.test(x);
const isText = (x: unknown): x is string => typeof x === 'string';
const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);

function missing(r: Fields, checks: Record<string, (x: unknown) => boolean>): string[] {
  return Object.entries(checks)
    .filter(([name, ok]) => !ok(r[name]))
    .map(([name]) => name);
}

function parseEvent(r: Fields): ParsedRecord {
  const bad = missing(r, {
    table: isText,
    session_id: isText,
    seq: isSeq,
    type: isText,
    ts: isText,
    payload: isObject,
    prev_hash: isHex,
    hash: isHex,
  });
  if (bad.length > 0) return { ok: false, detail: `event record with missing or invalid ${bad.join(', ')}` };
  const record: EventRecord = {
    kind: 'event',
    table: r.table as string,
    session_id: r.session_id as string,
    seq: r.seq as number,
    type: r.type as string,
    ts: r.ts as string,
    payload: r.payload as Fields,
    prev_hash: r.prev_hash as string,
    hash: r.hash as string,
  };
  return { ok: true, record };
}

function parseSeal(r: Fields): ParsedRecord {
  const bad = missing(r, {
    type: (x) => x === 'CHAIN_SEAL',
    tenant: isText,
    table: isText,
    session_id: isText,
    from_seq: isSeq,
    seq: isSeq,
    head_hash: isHex,
    prev_seal_hash: isHex,
    sealed_at: isText,
    key_id: isText,
    signature: isText,
    hash: isHex,
  });
  if (bad.length > 0) return { ok: false, detail: `seal record with missing or invalid ${bad.join(', ')}` };
  const record: SealRecord = {
    kind: 'seal',
    type: 'CHAIN_SEAL',
    tenant: r.tenant as string,
    table: r.table as string,
    session_id: r.session_id as string,
    from_seq: r.from_seq as number,
    seq: r.seq as number,
    head_hash: r.head_hash as string,
    prev_seal_hash: r.prev_seal_hash as string,
    sealed_at: r.sealed_at as string,
    key_id: r.key_id as string,
    signature: r.signature as string,
    hash: r.hash as string,
  };
  return { ok: true, record };
}

/** Checks the shape of one replayed record (contract §4) and keeps only the fields that are verified. */
export function parseReplayRecord(raw: unknown): ParsedRecord {
  if (!isObject(raw)) return { ok: false, detail: 'record is not a JSON object' };
  if (raw.kind === 'event') return parseEvent(raw);
  if (raw.kind === 'seal') return parseSeal(raw);
  return { ok: false, detail: 'record kind must be "event" or "seal"' };
}
