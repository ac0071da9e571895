import { createPublicKey, hash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Jwk } from './types.js';

function rawX(key: KeyObject): string {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  // Only `x` is read, so a private key given here never leaks `d`.
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const { x } = pub.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('Ed25519 key without x');
  return x;
}

/** The public JWK (RFC 8037) of an Ed25519 key, as `GET /v1/keys` lists it. */
export function toJwk(publicKey: KeyObject, kid: string): Jwk {
  return { kty: 'OKP', crv: 'Ed25519', x: rawX(publicKey), kid, use: 'sig', alg: 'EdDSA' };
}

/** The key id of a public key: its RFC 7638 SHA-256 JWK thumbprint, base64url, first 16 characters. */
export function keyIdFor(publicKey: KeyObject): string {
  const members = canonicalJson({ crv: 'Ed25519', kty: 'OKP', x: rawX(publicKey) });
  return hash('sha256', members, 'base64url').slice(0, 16);
}

export { keysFromJwks, publicKeyFromJwk } from '@chainlake/client/chain';
