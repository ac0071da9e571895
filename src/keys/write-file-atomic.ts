import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a 0600 file so that readers see all of it or none of it: a synced temp file, then rename.
 * With `exclusive`, an existing file is left alone and the answer is false.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  opts: { exclusive: boolean },
): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (opts.exclusive) {
      // link() fails with EEXIST instead of replacing, so of two racing creators exactly one wins.
      try {
        await link(tmp, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    } else {
      await rename(tmp, path);
    }
    await syncDir(dirname(path));
    return true;
  } finally {
    await rm(tmp, { force: true });
  }
}
