import { describe, expect, it } from 'vitest';
import vectors from '../../test/fixtures/chain-vectors.json' with { type: 'json' };
import { canonicalJson } from './canonical-json.js';
import { eventHashInput, hashEvent, sha256Hex } from './hash-event.js';
import { keyIdFor, keysFromJwks, publicKeyFromJwk, toJwk } from './jwk.js';
import { sealBody } from './seal-body.js';
import { sealKeyFromSeed } from './seal-key-from-seed.js';
import { signSeal } from './sign-seal.js';
import type { ClientEvent, Jwks, Seal } from './types.js';
import { verifyBatch } from './verify-batch.js';
import { verifyChain } from './verify-chain.js';
import { verifySeal } from './verify-seal.js';

// Regenerate with `npx tsx scripts/make-chain-vectors.ts`; these tests pin what it wrote.
const { table, session_id } = vectors;
const key = sealKeyFromSeed(vectors.key.seed_hex);
const keys = keysFromJwks(vectors.jwks as Jwks);
const events: ClientEvent[] = vectors.events.map((e) => ({
  ...(JSON.parse(e.input_json) as Omit<ClientEvent, 'hash'>),
  hash: e.hash,
}));

describe('chain test vectors', () => {
  it('are marked test-only', () => {
    expect(vectors.test_only).toBe(true);
  });

  it('derive the published key, JWK and kid from the seed', () => {
    expect(key.kid).toBe(vectors.key.kid);
    expect(keyIdFor(publicKeyFromJwk(vectors.key.jwk as Jwks['keys'][number]))).toBe(vectors.key.kid);
    expect(toJwk(key.publicKey, key.kid)).toEqual(vectors.key.jwk);
  });

  it.each(vectors.events)('event $seq: canonical hash input and hash', (v) => {
    const ev = JSON.parse(v.input_json) as Omit<ClientEvent, 'hash'>;
    expect(eventHashInput(table, session_id, ev)).toBe(v.hash_input_jcs);
    expect(sha256Hex(v.hash_input_jcs)).toBe(v.hash);
    expect(hashEvent(table, session_id, ev)).toBe(v.hash);
  });

  it('form one chain that verifies as batches 1–3 and 4–6', () => {
    const first = verifyBatch({ table, session_id, events: events.slice(0, 3) }, null);
    expect(first).toMatchObject({ ok: true, duplicateCount: 0 });
    const head = { seq: 3, hash: events[2]!.hash };
    expect(verifyBatch({ table, session_id, events: events.slice(3) }, head)).toMatchObject({
      ok: true,
      duplicateCount: 0,
    });
  });

  it.each(vectors.batches)('seal $from_seq–$seq: body, signature and hash', (b) => {
    const seal = signSeal(b.seal_input, key);
    expect(seal).toEqual(b.seal);
    expect(canonicalJson(sealBody(seal))).toBe(b.seal_body_jcs);
    expect(seal.signature).toBe(b.signature);
    expect(canonicalJson({ ...sealBody(seal), signature: seal.signature })).toBe(b.seal_hash_input_jcs);
    expect(sha256Hex(b.seal_hash_input_jcs)).toBe(seal.hash);
    expect(verifySeal(b.seal as Seal, keys)).toEqual({ ok: true });
  });

  it('verify as a whole replay', () => {
    expect(verifyChain(vectors.replay, keys, { table, session_id })).toEqual({
      valid: true,
      checked_events: 6,
      checked_seals: 2,
      errors: [],
    });
  });
});
