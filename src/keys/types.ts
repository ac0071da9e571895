import type { KeyObject } from 'node:crypto';
import type { Jwks, SealKey } from '../chain/index.js';

/** The seal keys of this server: the one that signs now, and every public key that ever signed. */
export interface KeyRing {
  current: SealKey;
  /** All keys ever used, current first, as `GET /v1/keys` serves them. */
  jwks: Jwks;
  publicKeys: Map<string, KeyObject>;
}
