import { describe, expect, it } from 'vitest';
import { eventHashInput, hashEvent, sha256Hex } from './hash-event.js';
import { GENESIS_HASH } from './types.js';

const ev = {
  seq: 1,
  type: 'llm.call',
  ts: '2026-01-30T12:00:00.123Z',
  payload: { model: 'm1', tokens: 42 },
  prev_hash: GENESIS_HASH,
};

describe('hashEvent', () => {
  it('hashes the JCS of the contract §2 object with v, table and session_id', () => {
    expect(eventHashInput('agent_events', 's1', ev)).toBe(
      `{"payload":{"model":"m1","tokens":42},"prev_hash":"${GENESIS_HASH}","seq":1,"session_id":"s1","table":"agent_events","ts":"2026-01-30T12:00:00.123Z","type":"llm.call","v":1}`,
    );
    expect(hashEvent('agent_events', 's1', ev)).toBe(sha256Hex(eventHashInput('agent_events', 's1', ev)));
    expect(hashEvent('agent_events', 's1', ev)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('binds the table and the session id', () => {
    const base = hashEvent('agent_events', 's1', ev);
    expect(hashEvent('other_events', 's1', ev)).not.toBe(base);
    expect(hashEvent('agent_events', 's2', ev)).not.toBe(base);
  });

  it('ignores fields outside the hash input, such as a stale hash', () => {
    const withExtras = { ...ev, hash: 'f'.repeat(64), status: 'AUTHORITATIVE' };
    expect(hashEvent('agent_events', 's1', withExtras)).toBe(hashEvent('agent_events', 's1', ev));
  });

  it('does not depend on payload key order', () => {
    const reordered = { ...ev, payload: { tokens: 42, model: 'm1' } };
    expect(hashEvent('agent_events', 's1', reordered)).toBe(hashEvent('agent_events', 's1', ev));
  });

  it('sha256Hex hashes UTF-8', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from('c3a9', 'hex').toString('utf8')));
  });
});
