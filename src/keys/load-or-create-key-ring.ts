import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createSealKeyFile } from './create-seal-key-file.js';
import { formatKeyRingFile, keyRingPath, privateKeyPath, readKeyRingFile } from './key-ring-file.js';
import { keyRingFromFile } from './key-ring-from-file.js';
import type { KeyRing } from './types.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Creates `dir` with mode 0700 if missing; its parents get the usual mode. */
export async function ensureKeysDir(dir: string): Promise<void> {
  await mkdir(dirname(resolve(dir)), { recursive: true });
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Loads the seal key ring in `dir`, creating a first key on first start (files 0600, dir 0700). */
export async function loadOrCreateKeyRing(dir: string): Promise<KeyRing> {
  await ensureKeysDir(dir);
  let file = await readKeyRingFile(dir);
  if (file === null) {
    const entry = await createSealKeyFile(dir, new Date());
    const fresh = { current: entry.kid, keys: [entry] };
    if (await writeFileAtomic(keyRingPath(dir), formatKeyRingFile(fresh), { exclusive: true })) {
      file = fresh;
    } else {
      // Another process created the ring first: its key wins, ours was never used.
      await rm(privateKeyPath(dir, entry.kid), { force: true });
      file = await readKeyRingFile(dir);
      if (file === null) throw new Error(`${keyRingPath(dir)} vanished while it was being created`);
    }
  }
  return keyRingFromFile(dir, file);
}

/** Loads the existing seal key ring in `dir`; never creates one (the committer thread, read commands). */
export async function loadKeyRing(dir: string): Promise<KeyRing> {
  const file = await readKeyRingFile(dir);
  if (file === null)
    throw new Error(
      `no seal key ring in ${dir} (CHAINLAKE_KEYS_DIR): start \`chainlake serve\` once to create it`,
    );
  return keyRingFromFile(dir, file);
}
