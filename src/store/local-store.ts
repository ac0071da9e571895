import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertKeyPrefix, assertObjectKey, compareKeys } from './object-key.js';
import type { ObjectStore } from './object-store.js';

// Temp files carry this mark so that list() never shows a half-written object.
const TEMP_MARK = '.tmp-';

/** An ObjectStore in a local directory; a put is atomic (temp file in the same directory, fsync, rename). */
export function createLocalStore(rootDir: string): ObjectStore {
  const root = resolve(rootDir);

  function pathOf(key: string): string {
    assertObjectKey(key);
    if (key.split('/').some((s) => s.includes(TEMP_MARK))) {
      throw new Error(
        `invalid object key ${JSON.stringify(key)}: contains the reserved ${JSON.stringify(TEMP_MARK)}`,
      );
    }
    const path = join(root, ...key.split('/'));
    if (!path.startsWith(root + sep))
      throw new Error(`object key ${JSON.stringify(key)} escapes the store root`);
    return path;
  }

  async function put(key: string, body: Uint8Array): Promise<void> {
    const path = pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      const handle = await open(temp, 'w', 0o644);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDir(dirname(path));
  }

  async function get(key: string): Promise<Uint8Array | null> {
    const path = pathOf(key);
    try {
      const data = await readFile(path);
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'EISDIR') || isCode(err, 'ENOTDIR')) return null;
      throw err;
    }
  }

  async function list(keyPrefix: string): Promise<string[]> {
    assertKeyPrefix(keyPrefix);
    // Walk only the deepest directory the prefix names, not the whole lake.
    const dirs = keyPrefix.split('/').slice(0, -1);
    const keys: string[] = [];
    await walk(join(root, ...dirs), dirs.length ? `${dirs.join('/')}/` : '', keyPrefix, keys);
    return keys.sort(compareKeys);
  }

  async function remove(key: string): Promise<void> {
    try {
      await unlink(pathOf(key));
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err;
    }
  }

  async function check(): Promise<void> {
    await mkdir(root, { recursive: true });
    const probe = join(root, `.probe${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      const handle = await open(probe, 'w');
      try {
        await handle.writeFile('ok');
      } finally {
        await handle.close();
      }
    } finally {
      await rm(probe, { force: true });
    }
  }

  return {
    put,
    get,
    list,
    delete: remove,
    url: (key) => pathToFileURL(pathOf(key)).href,
    check,
    close: async () => {},
  };
}

async function walk(dir: string, keyOfDir: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return;
    throw err;
  }
  for (const entry of entries) {
    const key = keyOfDir + entry.name;
    if (entry.isDirectory()) {
      const keyOfSub = `${key}/`;
      if (keyOfSub.startsWith(keyPrefix) || keyPrefix.startsWith(keyOfSub))
        await walk(join(dir, entry.name), keyOfSub, keyPrefix, out);
    } else if (entry.isFile() && key.startsWith(keyPrefix) && !entry.name.includes(TEMP_MARK)) {
      out.push(key);
    }
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** fsync of the directory makes the rename itself durable; best effort where a directory cannot be opened. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // not every platform can fsync a directory
  }
}
