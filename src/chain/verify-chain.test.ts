import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashEvent } from './hash-event.js';
import { keyIdFor } from './jwk.js';
import { makeTestChain } from './make-test-chain.js';
import { signSeal } from './sign-seal.js';
import { GENESIS_HASH } from './types.js';
import type { ClientEvent, Seal, SealKey } from './types.js';
import { verifyChain } from './verify-chain.js';

const table = 'agent_events';
const session_id = 's1';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key: SealKey = { kid: keyIdFor(publicKey), privateKey, publicKey };
const keys = new Map<string, KeyObject>([[key.kid, publicKey]]);

type Rec = Record<string, unknown>;

/** Replay records of a session of 6 events accepted in batches 1–3 and 4–6. */
function replay(): Rec[] {
  const events = makeTestChain(table, session_id, 6);
  const records: Rec[] = [];
  let prevSeal = GENESIS_HASH;
  for (const [from, to] of [
    [1, 3],
    [4, 6],
  ] as const) {
    for (const ev of events.slice(from - 1, to)) {
      records.push({
        table,
        session_id,
        kind: 'event',
        ...ev,
        status: 'AUTHORITATIVE',
        visibility_token: `vt-${from}`,
      });
    }
    const seal = signSeal(
      {
        tenant: 'acme',
        table,
        session_id,
        from_seq: from,
        seq: to,
        head_hash: events[to - 1]!.hash,
        prev_seal_hash: prevSeal,
        sealed_at: '2026-01-30T12:00:00.456Z',
      },
      key,
    );
    records.push({ kind: 'seal', ...seal });
    prevSeal = seal.hash;
  }
  return records;
}

const codes = (records: unknown[]) => verifyChain(records, keys).errors.map((e) => [e.seq, e.code]);
const isSeal = (r: Rec, seq: number) => r.kind === 'seal' && r.seq === seq;

describe('verifyChain', () => {
  it('accepts an intact replay and counts what it checked', () => {
    expect(verifyChain(replay(), keys, { table, session_id })).toEqual({
      valid: true,
      checked_events: 6,
      checked_seals: 2,
      errors: [],
    });
  });

  it('accepts an empty replay', () => {
    expect(verifyChain([], keys)).toEqual({ valid: true, checked_events: 0, checked_seals: 0, errors: [] });
  });

  it('reports hash_mismatch at an event whose payload was altered', () => {
    const records = replay();
    records[1] = { ...records[1], payload: { n: 2, text: 'altered' } };
    expect(codes(records)).toEqual([[2, 'hash_mismatch']]);
  });

  it('reports broken_link and seal_head_mismatch when an altered event is also rehashed', () => {
    const records = replay();
    const ev = { ...(records[2] as unknown as ClientEvent), payload: { n: 3, text: 'altered' } };
    records[2] = { ...records[2], payload: ev.payload, hash: hashEvent(table, session_id, ev) };
    expect(codes(records)).toEqual([
      [3, 'seal_head_mismatch'],
      [4, 'broken_link'],
    ]);
  });

  it('reports a removed event as a sequence_gap', () => {
    const records = replay().filter((r) => !(r.kind === 'event' && r.seq === 5));
    expect(codes(records)).toEqual([[6, 'sequence_gap']]);
  });

  it('reports an altered seal', () => {
    const records = replay();
    const i = records.findIndex((r) => isSeal(r, 3));
    records[i] = { ...records[i], sealed_at: '2026-01-30T13:00:00.000Z' };
    expect(codes(records)).toEqual([[3, 'seal_signature_invalid']]);
  });

  it('reports a seal whose head_hash was altered', () => {
    const records = replay();
    const i = records.findIndex((r) => isSeal(r, 6));
    records[i] = { ...records[i], head_hash: 'e'.repeat(64) };
    expect(codes(records)).toEqual([
      [6, 'seal_signature_invalid'],
      [6, 'seal_head_mismatch'],
    ]);
  });

  it('reports a seal re-signed with an altered head_hash by an unknown key', () => {
    const records = replay();
    const i = records.findIndex((r) => isSeal(r, 3));
    const other = generateKeyPairSync('ed25519');
    const {
      signature: _s,
      hash: _h,
      type: _t,
      key_id: _k,
      kind: _kind,
      ...input
    } = records[i] as unknown as Seal & { kind: 'seal' };
    const forged = signSeal({ ...input, head_hash: 'e'.repeat(64) }, { kid: 'rogue', ...other });
    records[i] = { kind: 'seal', ...forged };
    expect(codes(records)).toEqual([
      [3, 'seal_unknown_key'],
      [3, 'seal_head_mismatch'],
      [6, 'seal_chain_broken'],
    ]);
  });

  it('reports a seal moved to another place in the stream', () => {
    const records = replay();
    const [moved] = records.splice(
      records.findIndex((r) => isSeal(r, 3)),
      1,
    );
    records.push(moved!);
    expect(codes(records)).toEqual([
      [6, 'seal_range_invalid'],
      [6, 'seal_chain_broken'],
      [3, 'seal_range_invalid'],
      [3, 'seal_range_invalid'],
      [3, 'seal_chain_broken'],
    ]);
  });

  it('reports events after the last seal as unsealed_events', () => {
    const records = replay().slice(0, -1);
    expect(codes(records)).toEqual([[6, 'unsealed_events']]);
  });

  it('reports a seal for another tenant or session as seal_context_mismatch', () => {
    const records = replay();
    const i = records.findIndex((r) => isSeal(r, 6));
    records[i] = { ...records[i], tenant: 'other' };
    expect(codes(records)).toContainEqual([6, 'seal_context_mismatch']);
  });

  it('reports records of the wrong shape and keeps checking the rest', () => {
    const records: unknown[] = replay();
    records.splice(2, 0, { kind: 'event', seq: 3 }, 'junk', null, { kind: 'other' });
    const report = verifyChain(records, keys);
    expect(report.errors.filter((e) => e.code === 'invalid_record')).toHaveLength(4);
    expect(report.errors.every((e) => e.code === 'invalid_record')).toBe(true);
    expect(report.errors[0]).toMatchObject({ seq: 3, detail: expect.stringContaining('record 2') });
    expect(report.checked_events).toBe(6);
  });

  it('reports events of another session than expected', () => {
    const report = verifyChain(replay(), keys, { session_id: 's2' });
    expect(report.valid).toBe(false);
    expect(report.errors.filter((e) => e.code === 'invalid_record')).toHaveLength(6);
    expect(report.errors.filter((e) => e.code === 'seal_context_mismatch')).toHaveLength(2);
  });

  it('uses each event’s own table and session for its hash', () => {
    const records = replay();
    records[0] = { ...records[0], session_id: 's2' };
    expect(codes(records)).toEqual([
      [1, 'invalid_record'],
      [1, 'hash_mismatch'],
    ]);
  });
});
