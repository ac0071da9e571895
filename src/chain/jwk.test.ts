import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdFor, keysFromJwks, publicKeyFromJwk, toJwk } from './jwk.js';
import { sealKeyFromSeed } from './seal-key-from-seed.js';

describe('jwk', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  it('exports an Ed25519 public JWK and reads it back', () => {
    const jwk = toJwk(publicKey, 'k1');
    expect(jwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      kid: 'k1',
      use: 'sig',
      alg: 'EdDSA',
    });
    const back = publicKeyFromJwk(jwk);
    const msg = Buffer.from('hello');
    expect(verify(null, msg, back, sign(null, msg, privateKey))).toBe(true);
  });

  it('never exports the private part of a private key', () => {
    expect(toJwk(privateKey, 'k1')).not.toHaveProperty('d');
    expect(toJwk(privateKey, 'k1')).toEqual(toJwk(publicKey, 'k1'));
  });

  it('derives the kid from the RFC 7638 thumbprint', () => {
    // RFC 8037 Appendix A.3: thumbprint of the example Ed25519 key.
    const rfcKey = publicKeyFromJwk({
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    });
    expect(keyIdFor(rfcKey)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'.slice(0, 16));
    expect(keyIdFor(publicKey)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('builds the same key from the RFC 8037 seed', () => {
    const key = sealKeyFromSeed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    expect(toJwk(key.publicKey, key.kid).x).toBe('11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo');
    expect(key.kid).toBe('kPrK_qmxVWaYVA9w');
  });

  it('refuses JWKs that are not 32-byte Ed25519 keys', () => {
    expect(() => publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' })).toThrow(TypeError);
    expect(() =>
      publicKeyFromJwk({ kty: 'EC', crv: 'Ed25519', x: toJwk(publicKey, 'k').x } as never),
    ).toThrow(TypeError);
    expect(() => publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: `${toJwk(publicKey, 'k').x}+` })).toThrow(
      TypeError,
    );
  });

  it('maps a JWKS by kid, skipping other key types and refusing a repeated kid', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const jwks = {
      keys: [toJwk(publicKey, 'a'), toJwk(other, 'b'), { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' } as never],
    };
    const keys = keysFromJwks(jwks);
    expect([...keys.keys()]).toEqual(['a', 'b']);
    expect(keys.get('a')!.equals(publicKey)).toBe(true);
    expect(() => keysFromJwks({ keys: [toJwk(publicKey, 'a'), toJwk(other, 'a')] })).toThrow(/twice/);
  });
});
