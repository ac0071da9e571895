import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './hash-event.js';
import { keyIdFor } from './jwk.js';
import { sealBody } from './seal-body.js';
import { signSeal } from './sign-seal.js';
import { GENESIS_HASH } from './types.js';
import type { Seal, SealInput, SealKey } from './types.js';
import { verifySeal } from './verify-seal.js';

function newKey(): SealKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid: keyIdFor(publicKey), privateKey, publicKey };
}

const key = newKey();
const keys = new Map<string, KeyObject>([[key.kid, key.publicKey]]);
const input: SealInput = {
  tenant: 'acme',
  table: 'agent_events',
  session_id: 's1',
  from_seq: 1,
  seq: 3,
  head_hash: 'a'.repeat(64),
  prev_seal_hash: GENESIS_HASH,
  sealed_at: '2026-01-30T12:00:00.456Z',
};
const seal = signSeal(input, key);

describe('signSeal', () => {
  it('emits the contract §3 fields with an unpadded base64url signature', () => {
    expect(seal).toMatchObject({ ...input, type: 'CHAIN_SEAL', key_id: key.kid });
    expect(Object.keys(seal).sort()).toEqual(
      [
        'type',
        'tenant',
        'table',
        'session_id',
        'from_seq',
        'seq',
        'head_hash',
        'prev_seal_hash',
        'sealed_at',
        'key_id',
        'signature',
        'hash',
      ].sort(),
    );
    expect(seal.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  it('hashes JCS of the body with v:1 plus the signature', () => {
    const { signature, hash: _hash, ...rest } = seal;
    expect(seal.hash).toBe(sha256Hex(canonicalJson({ ...rest, v: 1, signature })));
  });

  it('is deterministic for the same input and key', () => {
    expect(signSeal(input, key)).toEqual(seal);
  });
});

describe('verifySeal', () => {
  it('accepts a seal it signed', () => {
    expect(verifySeal(seal, keys)).toEqual({ ok: true });
  });

  it('ignores the fields replay adds to a record', () => {
    const record = { ...seal, kind: 'seal', status: 'AUTHORITATIVE', visibility_token: 'vt-1', extra: 1 };
    expect(verifySeal(record, keys)).toEqual({ ok: true });
    expect(sealBody(record)).not.toHaveProperty('kind');
  });

  it.each<[keyof Seal, unknown]>([
    ['head_hash', 'b'.repeat(64)],
    ['seq', 4],
    ['from_seq', 2],
    ['tenant', 'other'],
    ['sealed_at', '2026-01-30T12:00:00.457Z'],
    ['prev_seal_hash', 'c'.repeat(64)],
  ])('refuses a seal whose %s was changed: seal_signature_invalid', (field, value) => {
    expect(verifySeal({ ...seal, [field]: value }, keys)).toMatchObject({
      ok: false,
      code: 'seal_signature_invalid',
    });
  });

  it('refuses a seal whose hash was changed: seal_hash_mismatch', () => {
    expect(verifySeal({ ...seal, hash: 'd'.repeat(64) }, keys)).toMatchObject({
      ok: false,
      code: 'seal_hash_mismatch',
    });
  });

  it('refuses a tampered or malformed signature', () => {
    const flipped = (seal.signature[0] === 'A' ? 'B' : 'A') + seal.signature.slice(1);
    expect(verifySeal({ ...seal, signature: flipped }, keys)).toMatchObject({
      code: 'seal_signature_invalid',
    });
    expect(verifySeal({ ...seal, signature: seal.signature.slice(0, 80) }, keys)).toMatchObject({
      code: 'seal_signature_invalid',
    });
    expect(verifySeal({ ...seal, signature: `${seal.signature.slice(0, -1)}+` }, keys)).toMatchObject({
      code: 'seal_signature_invalid',
    });
    expect(verifySeal({ ...seal, signature: '' }, keys)).toMatchObject({ code: 'seal_signature_invalid' });
  });

  it('refuses a seal signed by another key under the same kid', () => {
    const other = newKey();
    const forged = signSeal(input, { ...other, kid: key.kid });
    expect(verifySeal(forged, keys)).toMatchObject({ ok: false, code: 'seal_signature_invalid' });
  });

  it('reports seal_unknown_key for a kid that is not in the key set', () => {
    expect(verifySeal({ ...seal, key_id: 'nope' }, keys)).toMatchObject({
      ok: false,
      code: 'seal_unknown_key',
    });
  });

  it('accepts a padded signature, hashing the signature as given', () => {
    const padded = `${seal.signature}==`;
    const hash = sha256Hex(canonicalJson({ ...sealBody(seal), signature: padded }));
    expect(verifySeal({ ...seal, signature: padded, hash }, keys)).toEqual({ ok: true });
    expect(verifySeal({ ...seal, signature: `${seal.signature}=`, hash }, keys)).toMatchObject({ ok: false });
  });
});
