import { sign } from 'node:crypto';
import { toBase64Url } from './base64url.js';
import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './hash-event.js';
import { sealBody } from './seal-body.js';
import type { Seal, SealInput, SealKey } from './types.js';

/** Signs a batch's seal: Ed25519 over JCS(B), then hash = SHA-256 of JCS(B ∪ {signature}) (docs/contract.md §3). */
export function signSeal(input: SealInput, key: SealKey): Seal {
  const body = sealBody({ ...input, type: 'CHAIN_SEAL', key_id: key.kid });
  const signature = toBase64Url(sign(null, Buffer.from(canonicalJson(body), 'utf8'), key.privateKey));
  const hash = sha256Hex(canonicalJson({ ...body, signature }));
  const { v: _v, ...fields } = body;
  return { ...fields, signature, hash };
}
