import { describe, expect, it } from 'vitest';
import { hashEvent } from './hash-event.js';
import { makeTestChain } from './make-test-chain.js';
import { GENESIS_HASH } from './types.js';
import type { ClientEvent, Head } from './types.js';
import { anchorSeqFor, verifyBatch } from './verify-batch.js';

const table = 'agent_events';
const session_id = 's1';
const chain = makeTestChain(table, session_id, 10);
const at = (seq: number): ClientEvent => chain[seq - 1]!;
const headAt = (seq: number): Head => ({ seq, hash: at(seq).hash });
const range = (from: number, to: number): ClientEvent[] => chain.slice(from - 1, to);
const batch = (events: ClientEvent[]) => ({ table, session_id, events });
const rehash = (ev: Omit<ClientEvent, 'hash'>): ClientEvent => ({
  ...ev,
  hash: hashEvent(table, session_id, ev),
});

describe('verifyBatch', () => {
  it('accepts a first batch on an empty session', () => {
    expect(verifyBatch(batch(range(1, 3)), null)).toEqual({
      ok: true,
      duplicateCount: 0,
      newEvents: range(1, 3),
    });
  });

  it('accepts a batch that continues the head', () => {
    expect(verifyBatch(batch(range(4, 6)), headAt(3))).toEqual({
      ok: true,
      duplicateCount: 0,
      newEvents: range(4, 6),
    });
  });

  it('counts an identical overlap as duplicates and accepts the rest', () => {
    expect(verifyBatch(batch(range(2, 6)), headAt(4))).toEqual({
      ok: true,
      duplicateCount: 3,
      newEvents: range(5, 6),
    });
  });

  it('answers a fully duplicate batch ending at the head with no new events', () => {
    expect(verifyBatch(batch(range(1, 4)), headAt(4))).toEqual({
      ok: true,
      duplicateCount: 4,
      newEvents: [],
    });
  });

  it('refuses an empty batch as invalid_request', () => {
    expect(verifyBatch(batch([]), null)).toMatchObject({ ok: false, code: 'invalid_request' });
  });

  it('refuses non-contiguous seqs as invalid_request at the first offending seq', () => {
    expect(verifyBatch(batch([at(1), at(2), at(4)]), null)).toMatchObject({
      ok: false,
      code: 'invalid_request',
      seq: 4,
    });
    expect(verifyBatch(batch([at(2), at(1)]), null)).toMatchObject({
      ok: false,
      code: 'invalid_request',
      seq: 1,
    });
  });

  it('refuses a seq below 1 or a non-integer seq as invalid_request', () => {
    expect(verifyBatch(batch([{ ...at(1), seq: 0 }]), null)).toMatchObject({
      code: 'invalid_request',
      seq: 0,
    });
    expect(verifyBatch(batch([{ ...at(1), seq: 1.5 }]), null)).toMatchObject({ code: 'invalid_request' });
  });

  it('refuses a hash that is not lowercase hex as invalid_request', () => {
    expect(verifyBatch(batch([{ ...at(1), hash: at(1).hash.toUpperCase() }]), null)).toMatchObject({
      code: 'invalid_request',
      seq: 1,
    });
  });

  it('reports hash_mismatch at the event whose content changed', () => {
    const events = range(1, 3);
    events[1] = { ...at(2), payload: { n: 999 } };
    expect(verifyBatch(batch(events), null)).toMatchObject({ ok: false, code: 'hash_mismatch', seq: 2 });
  });

  it('reports broken_link when prev_hash does not link inside the batch', () => {
    const events = range(1, 3);
    events[2] = rehash({ ...at(3), prev_hash: 'a'.repeat(64) });
    const result = verifyBatch(batch(events), null);
    expect(result).toMatchObject({ ok: false, code: 'broken_link', seq: 3 });
    expect(result.ok || result.detail).toMatch(/prev_hash/);
  });

  it('reports sequence_conflict when event 1 of a new session does not link to 64 zeros (contract v1.1)', () => {
    const first = rehash({ ...at(1), prev_hash: 'b'.repeat(64) });
    expect(verifyBatch(batch([first]), null)).toMatchObject({ ok: false, code: 'sequence_conflict', seq: 1 });
  });

  it('reports the first failure when there are several', () => {
    const events = range(1, 4);
    events[1] = { ...at(2), payload: { n: 0 } };
    events[3] = { ...at(4), prev_hash: GENESIS_HASH };
    expect(verifyBatch(batch(events), null)).toMatchObject({ code: 'hash_mismatch', seq: 2 });
  });

  it('reports sequence_gap when the batch starts above head + 1', () => {
    expect(verifyBatch(batch(range(5, 6)), headAt(3))).toMatchObject({
      ok: false,
      code: 'sequence_gap',
      seq: 5,
    });
    expect(verifyBatch(batch(range(2, 3)), null)).toMatchObject({ ok: false, code: 'sequence_gap', seq: 2 });
  });

  it('reports sequence_conflict when head + 1 does not link to the head', () => {
    const fork = makeTestChain(table, session_id, 2, { seq: 3, hash: 'c'.repeat(64) });
    expect(verifyBatch(batch(fork), headAt(3))).toMatchObject({
      ok: false,
      code: 'sequence_conflict',
      seq: 4,
    });
  });

  it('reports sequence_conflict at the head when an overlap differs from the accepted events', () => {
    const forked = rehash({ ...at(2), payload: { other: true } });
    const rest = makeTestChain(table, session_id, 3, forked);
    expect(verifyBatch(batch([at(1), forked, ...rest]), headAt(4))).toMatchObject({
      ok: false,
      code: 'sequence_conflict',
      seq: 4,
    });
  });

  it('needs no anchor when the batch reaches the head', () => {
    expect(anchorSeqFor(range(2, 4), headAt(4))).toBeNull();
    expect(anchorSeqFor(range(5, 6), headAt(4))).toBeNull();
    expect(anchorSeqFor(range(1, 2), null)).toBeNull();
    expect(anchorSeqFor([], headAt(4))).toBeNull();
  });

  it('verifies an overlap below the head with the right anchor', () => {
    expect(anchorSeqFor(range(2, 3), headAt(6))).toBe(3);
    expect(verifyBatch(batch(range(2, 3)), headAt(6), headAt(3))).toEqual({
      ok: true,
      duplicateCount: 2,
      newEvents: [],
    });
  });

  it('reports sequence_conflict at the anchor when the overlap below the head differs', () => {
    const e2 = rehash({ ...at(2), payload: { forked: true } });
    const e3 = rehash({ ...at(3), prev_hash: e2.hash });
    expect(verifyBatch(batch([e2, e3]), headAt(6), headAt(3))).toMatchObject({
      ok: false,
      code: 'sequence_conflict',
      seq: 3,
    });
  });

  it('throws when the needed anchor is missing or for the wrong seq', () => {
    expect(() => verifyBatch(batch(range(2, 3)), headAt(6))).toThrow(/anchor/);
    expect(() => verifyBatch(batch(range(2, 3)), headAt(6), headAt(2))).toThrow(/anchor/);
  });
});
