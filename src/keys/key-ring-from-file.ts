import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { publicKeyFromJwk, toJwk } from '../chain/index.js';
import type { Jwk } from '../chain/index.js';
import type { KeyRingFile } from './key-ring-file.js';
import { privateKeyPath } from './key-ring-file.js';
import type { KeyRing } from './types.js';

/** Loads the current private key and every listed public key; the current key must match its entry. */
export async function keyRingFromFile(dir: string, file: KeyRingFile): Promise<KeyRing> {
  const path = privateKeyPath(dir, file.current);
  const privateKey = createPrivateKey(await readFile(path, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  const entry = file.keys.find((k) => k.kid === file.current)!;
  if (toJwk(publicKey, entry.kid).x !== entry.x) {
    throw new Error(`${path} does not hold the key that keyring.json lists as ${entry.kid}`);
  }
  // Newest first after the current one, so verifiers meet recent keys first.
  const others = file.keys.filter((k) => k.kid !== file.current).reverse();
  const jwks: Jwk[] = [toJwk(publicKey, entry.kid)];
  const publicKeys = new Map<string, KeyObject>([[entry.kid, publicKey]]);
  for (const k of others) {
    const jwk: Jwk = { kty: 'OKP', crv: 'Ed25519', x: k.x, kid: k.kid, use: 'sig', alg: 'EdDSA' };
    publicKeys.set(k.kid, publicKeyFromJwk(jwk));
    jwks.push(jwk);
  }
  return { current: { kid: entry.kid, privateKey, publicKey }, jwks: { keys: jwks }, publicKeys };
}
