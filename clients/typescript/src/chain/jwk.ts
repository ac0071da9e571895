import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fromBase64Url, toBase64Url } from './base64url.js';
import type { Jwk, Jwks } from './types.js';

const ED25519_PUBLIC_KEY_BYTES = 32;

/** The public KeyObject of an Ed25519 JWK; throws a TypeError for anything else. */
export function publicKeyFromJwk(jwk: Pick<Jwk, 'kty' | 'crv' | 'x'>): KeyObject {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new TypeError('JWK is not an OKP Ed25519 key');
  const bytes = typeof jwk.x === 'string' ? fromBase64Url(jwk.x) : null;
  if (bytes === null || bytes.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new TypeError('JWK x must be 32 bytes of base64url');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(bytes) }, format: 'jwk' });
}

/** kid → public key for every Ed25519 key of a JWKS; other key types are skipped, as JOSE verifiers do. */
export function keysFromJwks(jwks: Jwks): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') continue;
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new TypeError('JWK without kid');
    if (keys.has(jwk.kid)) throw new TypeError(`JWKS lists kid ${jwk.kid} twice`);
    keys.set(jwk.kid, publicKeyFromJwk(jwk));
  }
  return keys;
}
