import { createPrivateKey, createPublicKey } from 'node:crypto';
import { keyIdFor } from './jwk.js';
import type { SealKey } from './types.js';

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A deterministic seal key from a 32-byte seed in hex: for test vectors and tests, never for production. */
export function sealKeyFromSeed(seedHex: string, kid?: string): SealKey {
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex)) throw new TypeError('seed must be 32 bytes of hex');
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(seedHex, 'hex')]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  return { kid: kid ?? keyIdFor(publicKey), privateKey, publicKey };
}
