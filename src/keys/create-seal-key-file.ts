import { generateKeyPairSync } from 'node:crypto';
import { keyIdFor, toJwk } from '../chain/index.js';
import type { KeyRingFile } from './key-ring-file.js';
import { privateKeyPath } from './key-ring-file.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Generates an Ed25519 key, stores its private half as `seal-<kid>.pem` (0600), and returns its entry. */
export async function createSealKeyFile(dir: string, now: Date): Promise<KeyRingFile['keys'][number]> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = keyIdFor(publicKey);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  if (!(await writeFileAtomic(privateKeyPath(dir, kid), pem, { exclusive: true }))) {
    throw new Error(`seal key ${kid} already exists in ${dir}`);
  }
  return { kid, x: toJwk(publicKey, kid).x, created_at: now.toISOString(), retired_at: null };
}
