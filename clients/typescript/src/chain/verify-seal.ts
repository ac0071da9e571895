import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fromBase64Url } from './base64url.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './hash-event.js';
import { sealBody } from './seal-body.js';
import type { Seal, SealCheck } from './types.js';

const ED25519_SIGNATURE_BYTES = 64;

/**
 * Checks a seal (or a replayed seal record) against the known public keys: key, signature, then hash.
 * Accepts the signature with or without base64url padding; the hash covers it as given.
 */
export function verifySeal(seal: Seal, keys: Map<string, KeyObject>): SealCheck {
  const key = keys.get(seal.key_id);
  if (key === undefined) {
    return {
      ok: false,
      code: 'seal_unknown_key',
      detail: `seal ${seal.seq}: no public key with kid ${seal.key_id}`,
    };
  }
  const body = sealBody(seal);
  const signature = fromBase64Url(seal.signature);
  const signed =
    signature !== null &&
    signature.length === ED25519_SIGNATURE_BYTES &&
    verify(null, Buffer.from(canonicalJson(body), 'utf8'), key, signature);
  if (!signed) {
    return {
      ok: false,
      code: 'seal_signature_invalid',
      detail: `seal ${seal.seq}: the signature does not verify with key ${seal.key_id}`,
    };
  }
  const hash = sha256Hex(canonicalJson({ ...body, signature: seal.signature }));
  if (hash !== seal.hash) {
    return {
      ok: false,
      code: 'seal_hash_mismatch',
      detail: `seal ${seal.seq}: hash is ${seal.hash} but the seal hashes to ${hash}`,
    };
  }
  return { ok: true };
}
