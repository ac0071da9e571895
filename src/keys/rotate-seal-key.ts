import { createSealKeyFile } from './create-seal-key-file.js';
import { formatKeyRingFile, keyRingPath, readKeyRingFile } from './key-ring-file.js';
import { keyRingFromFile } from './key-ring-from-file.js';
import { loadOrCreateKeyRing } from './load-or-create-key-ring.js';
import type { KeyRing } from './types.js';
import { writeFileAtomic } from './write-file-atomic.js';

/**
 * Makes a new current seal key; the old one is marked retired but stays listed so its seals still verify.
 * Running servers pick it up on their next load. Not safe against two concurrent rotations.
 */
export async function rotateSealKey(dir: string): Promise<KeyRing> {
  await loadOrCreateKeyRing(dir);
  const file = (await readKeyRingFile(dir))!;
  const now = new Date();
  const entry = await createSealKeyFile(dir, now);
  const retired = file.keys.map((k) =>
    k.kid === file.current ? { ...k, retired_at: now.toISOString() } : k,
  );
  const next = { current: entry.kid, keys: [...retired, entry] };
  await writeFileAtomic(keyRingPath(dir), formatKeyRingFile(next), { exclusive: false });
  return keyRingFromFile(dir, next);
}
