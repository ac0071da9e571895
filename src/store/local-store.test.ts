import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from './local-store.js';

describe('createLocalStore', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainlake-local-unit-'));
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('creates parent directories and leaves no temporary file after concurrent puts of one key', async () => {
    const store = createLocalStore(join(root, 'a'));
    const bodies = Array.from({ length: 10 }, () => new Uint8Array(randomBytes(32 * 1024)));
    await Promise.all(bodies.map((b) => store.put('t/x/date=2026-01-30/f.parquet', b)));
    expect(await readdir(join(root, 'a', 't', 'x', 'date=2026-01-30'))).toEqual(['f.parquet']);
    const got = Buffer.from((await store.get('t/x/date=2026-01-30/f.parquet')) ?? []);
    expect(bodies.some((b) => got.equals(Buffer.from(b)))).toBe(true);
  });

  it('does not list a temporary file left by a crash', async () => {
    const store = createLocalStore(join(root, 'b'));
    await store.put('t/done.bin', new Uint8Array([1]));
    await writeFile(join(root, 'b', 't', 'half.bin.tmp-123-abc'), 'partial');
    expect(await store.list('t/')).toEqual(['t/done.bin']);
  });

  it('answers null for a key whose path is a directory', async () => {
    const store = createLocalStore(join(root, 'c'));
    await store.put('dir/file.bin', new Uint8Array([1]));
    expect(await store.get('dir')).toBeNull();
    expect(await store.get('dir/file.bin/below')).toBeNull();
  });

  it('lists nothing when the root does not exist yet', async () => {
    expect(await createLocalStore(join(root, 'never')).list('')).toEqual([]);
  });

  it('rejects keys that would escape the root, and keys with the temporary-file mark', async () => {
    const store = createLocalStore(join(root, 'd'));
    await expect(store.put('../outside.bin', new Uint8Array([1]))).rejects.toThrow(/invalid object key/);
    await expect(store.delete('a/../../outside.bin')).rejects.toThrow(/invalid object key/);
    await expect(store.list('../')).rejects.toThrow(/invalid key prefix/);
    await expect(store.put('a.tmp-1', new Uint8Array([1]))).rejects.toThrow(/reserved/);
    expect(() => store.url('/etc/passwd')).toThrow(/invalid object key/);
  });
});
