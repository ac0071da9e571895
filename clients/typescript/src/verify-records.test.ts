import { describe, expect, it } from 'vitest';
// The server's signer makes the seals, so these tests also check that the client verifies what it signs.
import { sealKeyFromSeed, signSeal, toJwk } from '../../../src/chain/index.js';
import { makeTestChain } from '../../../src/chain/make-test-chain.js';
import { GENESIS_HASH } from './chain/index.js';
import { parseNdjson, verifyRecords } from './verify-records.js';

const key = sealKeyFromSeed('22'.repeat(32));
const jwks = { keys: [toJwk(key.publicKey, key.kid)] };

/** A replayed session of 4 events in two sealed batches, as NDJSON. */
function replayed(): string {
  const events = makeTestChain('t', 's', 4).map((e) => ({
    table: 't',
    session_id: 's',
    kind: 'event',
    ...e,
    status: 'AUTHORITATIVE',
    visibility_token: 'v1.1',
  }));
  let prev = GENESIS_HASH;
  const lines: unknown[] = [];
  for (const [from, to] of [
    [1, 2],
    [3, 4],
  ] as const) {
    const seal = signSeal(
      {
        tenant: 'acme',
        table: 't',
        session_id: 's',
        from_seq: from,
        seq: to,
        head_hash: events[to - 1]!.hash,
        prev_seal_hash: prev,
        sealed_at: '2026-01-30T12:00:00.000Z',
      },
      key,
    );
    prev = seal.hash;
    lines.push(...events.slice(from - 1, to), { kind: 'seal', ...seal });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

describe('verifyRecords', () => {
  it('accepts an intact replay', () => {
    expect(verifyRecords(parseNdjson(replayed()), jwks)).toEqual({
      valid: true,
      checked_events: 4,
      checked_seals: 2,
      errors: [],
    });
  });

  it('names the seq of an altered event and of a line that is not JSON', () => {
    const lines = replayed().split('\n');
    lines[1] = lines[1]!.replace('"event 2"', '"event two"');
    lines[4] = '{oops';
    const report = verifyRecords(parseNdjson(lines.join('\n')), jwks);
    expect(report.valid).toBe(false);
    expect(report.errors).toContainEqual(expect.objectContaining({ seq: 2, code: 'hash_mismatch' }));
    expect(report.errors).toContainEqual(expect.objectContaining({ code: 'invalid_record' }));
  });

  it('rejects seals signed by a key the JWKS does not list', () => {
    const other = sealKeyFromSeed('33'.repeat(32));
    const report = verifyRecords(parseNdjson(replayed()), { keys: [toJwk(other.publicKey, other.kid)] });
    expect(report.errors.map((e) => e.code)).toEqual(['seal_unknown_key', 'seal_unknown_key']);
  });
});
