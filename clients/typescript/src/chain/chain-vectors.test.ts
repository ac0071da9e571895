import { describe, expect, it } from 'vitest';
import vectors from '../../../../test/fixtures/chain-vectors.json' with { type: 'json' };
import { canonicalJson } from './canonical-json.js';
import { eventHashInput, hashEvent, sha256Hex } from './hash-event.js';
import { keysFromJwks, publicKeyFromJwk } from './jwk.js';
import { sealBody } from './seal-body.js';
import type { ClientEvent, Jwk, Jwks, Seal } from './types.js';
import { verifyChain } from './verify-chain.js';
import { verifySeal } from './verify-seal.js';

// The server's src/chain passes the same vectors (src/chain/chain-vectors.test.ts): the copies cannot drift.
const { table, session_id } = vectors;
const keys = keysFromJwks(vectors.jwks as Jwks);

describe("the client's chain code against the chain test vectors", () => {
  it.each(vectors.events)('event $seq: canonical hash input and hash', (v) => {
    const ev = JSON.parse(v.input_json) as Omit<ClientEvent, 'hash'>;
    expect(canonicalJson(JSON.parse(v.hash_input_jcs))).toBe(v.hash_input_jcs);
    expect(eventHashInput(table, session_id, ev)).toBe(v.hash_input_jcs);
    expect(sha256Hex(v.hash_input_jcs)).toBe(v.hash);
    expect(hashEvent(table, session_id, ev)).toBe(v.hash);
  });

  it.each(vectors.batches)('seal $from_seq–$seq: body, hash input and signature verify', (b) => {
    const seal = b.seal as Seal;
    expect(canonicalJson(sealBody(seal))).toBe(b.seal_body_jcs);
    expect(canonicalJson({ ...sealBody(seal), signature: seal.signature })).toBe(b.seal_hash_input_jcs);
    expect(sha256Hex(b.seal_hash_input_jcs)).toBe(seal.hash);
    expect(verifySeal(seal, keys)).toEqual({ ok: true });
    expect(verifySeal({ ...seal, sealed_at: '2000-01-01T00:00:00.000Z' }, keys)).toMatchObject({
      ok: false,
      code: 'seal_signature_invalid',
    });
  });

  it('read the published key', () => {
    expect(publicKeyFromJwk(vectors.key.jwk as Jwk).export({ format: 'jwk' }).x).toBe(vectors.key.jwk.x);
  });

  it('verify as a whole replay, and find a changed payload', () => {
    expect(verifyChain(vectors.replay, keys, { table, session_id })).toEqual({
      valid: true,
      checked_events: 6,
      checked_seals: 2,
      errors: [],
    });
    const altered = vectors.replay.map((r) =>
      r.kind === 'event' && r.seq === 2 ? { ...r, payload: { ...r.payload, extra: 1 } } : r,
    );
    expect(verifyChain(altered, keys).errors).toContainEqual(
      expect.objectContaining({ seq: 2, code: 'hash_mismatch' }),
    );
  });
});
