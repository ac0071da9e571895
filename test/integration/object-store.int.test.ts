import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, createObjectStore, createS3Store } from '../../src/store/index.js';
import type { ObjectStore } from '../../src/store/index.js';
import { startS3rver } from '../support/s3rver.js';
import type { S3rverHandle } from '../support/s3rver.js';

interface Harness {
  store: ObjectStore;
  /** The URL the store must give for `key`. */
  expectedUrl(key: string): string;
  teardown(): Promise<void>;
}

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function behavesAsAnObjectStore(name: string, open: () => Promise<Harness>): void {
  describe(name, () => {
    let h: Harness;

    beforeAll(async () => {
      h = await open();
    });

    afterAll(async () => {
      await h?.teardown();
    });

    it('passes check()', async () => {
      await expect(h.store.check()).resolves.toBeUndefined();
    });

    it('returns exactly the bytes put, including every byte value and a 5 MB object', async () => {
      const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      const big = new Uint8Array(randomBytes(5 * 1024 * 1024));
      await h.store.put('roundtrip/all-bytes.bin', all);
      await h.store.put('roundtrip/big.parquet', big, 'application/vnd.apache.parquet');
      await h.store.put('roundtrip/empty.bin', new Uint8Array(0));
      expect(Buffer.from((await h.store.get('roundtrip/all-bytes.bin')) ?? []).equals(Buffer.from(all))).toBe(
        true,
      );
      const gotBig = await h.store.get('roundtrip/big.parquet');
      expect(gotBig?.byteLength).toBe(big.byteLength);
      expect(Buffer.from(gotBig ?? []).equals(Buffer.from(big))).toBe(true);
      expect((await h.store.get('roundtrip/empty.bin'))?.byteLength).toBe(0);
    });

    it('overwrites an existing key with the new bytes', async () => {
      await h.store.put('overwrite/k.bin', bytes('first version, longer'));
      await h.store.put('overwrite/k.bin', bytes('second'));
      expect(new TextDecoder().decode((await h.store.get('overwrite/k.bin')) ?? undefined)).toBe('second');
      expect(await h.store.list('overwrite/')).toEqual(['overwrite/k.bin']);
    });

    it('answers null for a missing key', async () => {
      expect(await h.store.get('missing/nothing-here.bin')).toBeNull();
      expect(await h.store.get('missing')).toBeNull();
    });

    it('lists keys under a prefix in lexical order, not those beside it', async () => {
      for (const key of ['pfx/b/2.bin', 'pfx/a/1.bin', 'pfx/a/0.bin', 'pfx-other/x.bin', 'pfxz.bin']) {
        await h.store.put(key, bytes(key));
      }
      expect(await h.store.list('pfx/')).toEqual(['pfx/a/0.bin', 'pfx/a/1.bin', 'pfx/b/2.bin']);
      expect(await h.store.list('pfx/a/')).toEqual(['pfx/a/0.bin', 'pfx/a/1.bin']);
      expect(await h.store.list('pfx/a/1')).toEqual(['pfx/a/1.bin']);
      expect(await h.store.list('pfx')).toEqual([
        'pfx-other/x.bin',
        'pfx/a/0.bin',
        'pfx/a/1.bin',
        'pfx/b/2.bin',
        'pfxz.bin',
      ]);
      expect(await h.store.list('nothing/')).toEqual([]);
      expect(await h.store.list('')).toEqual(expect.arrayContaining(['pfx/a/0.bin', 'pfxz.bin']));
    });

    it('lists more than 1000 keys (all pages)', async () => {
      const keys = Array.from(
        { length: 1100 },
        (_, i) => `many/date=2026-01-30/${String(i).padStart(5, '0')}.bin`,
      );
      await pool(keys, 16, (key) => h.store.put(key, bytes(key)));
      const listed = await h.store.list('many/');
      expect(listed).toHaveLength(1100);
      expect(listed).toEqual(keys);
    });

    it('deletes an object, and deleting a missing key is not an error', async () => {
      await h.store.put('del/a.bin', bytes('a'));
      await h.store.put('del/b.bin', bytes('b'));
      await h.store.delete('del/a.bin');
      expect(await h.store.get('del/a.bin')).toBeNull();
      expect(await h.store.list('del/')).toEqual(['del/b.bin']);
      await expect(h.store.delete('del/a.bin')).resolves.toBeUndefined();
    });

    it('gives a URL of the right shape', () => {
      const key = 'acme/agent_events/date=2026-01-30/0001.parquet';
      expect(h.store.url(key)).toBe(h.expectedUrl(key));
    });

    it.each(['../escape.bin', 'a/../../escape.bin', '/abs.bin', 'a//b.bin', './a.bin', ''])(
      'rejects the key %j',
      async (key) => {
        await expect(h.store.put(key, bytes('x'))).rejects.toThrow(/invalid object key/);
        await expect(h.store.get(key)).rejects.toThrow(/invalid object key/);
      },
    );
  });
}

behavesAsAnObjectStore('local store', async () => {
  const root = await mkdtemp(join(tmpdir(), 'chainlake-local-store-'));
  const store = createLocalStore(join(root, 'lake'));
  return {
    store,
    expectedUrl: (key) => `file://${join(root, 'lake', key)}`,
    teardown: async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

behavesAsAnObjectStore('S3 store (s3rver)', async () => {
  const s3 = await startS3rver();
  const prefix = `run-${randomBytes(4).toString('hex')}/`;
  const store = createS3Store({ ...s3, prefix, forcePathStyle: true });
  return {
    store,
    expectedUrl: (key) => `s3://${s3.bucket}/${prefix}${key}`,
    teardown: async () => {
      await store.close();
      await s3.stop();
    },
  };
});

describe('object store edge cases', () => {
  let s3: S3rverHandle;
  let root: string;

  beforeAll(async () => {
    s3 = await startS3rver();
    root = await mkdtemp(join(tmpdir(), 'chainlake-store-edge-'));
  });

  afterAll(async () => {
    await s3?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('rejects every call within seconds when the S3 endpoint is down', async () => {
    const store = createS3Store({
      ...s3,
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      prefix: '',
      forcePathStyle: true,
    });
    try {
      for (const call of [
        () => store.check(),
        () => store.put('k.bin', bytes('x')),
        () => store.get('k.bin'),
        () => store.list(''),
      ]) {
        const started = Date.now();
        await expect(call()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(5_000);
      }
    } finally {
      await store.close();
    }
  });

  it('fails check() for a bucket that does not exist', async () => {
    const store = createS3Store({ ...s3, bucket: 'no-such-bucket-here', prefix: '', forcePathStyle: true });
    try {
      await expect(store.check()).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('fails check() for a local store whose root cannot be created', async () => {
    await writeFile(join(root, 'a-file'), 'x');
    await expect(createLocalStore(join(root, 'a-file', 'lake')).check()).rejects.toThrow();
  });

  it('leaves no temporary files behind in the local store', async () => {
    const store = createLocalStore(join(root, 'atomic'));
    await store.check();
    await Promise.all(
      Array.from({ length: 20 }, () => store.put('x/same.bin', new Uint8Array(randomBytes(64 * 1024)))),
    );
    expect(await readdir(join(root, 'atomic'))).toEqual(['x']);
    expect(await readdir(join(root, 'atomic', 'x'))).toEqual(['same.bin']);
  });

  it('creates the store named by the configuration, with the S3 prefix normalised', async () => {
    const config = (objectStore: string) => ({ objectStore, s3: { ...s3, forcePathStyle: true } });
    const lake = createObjectStore(config(`s3://${s3.bucket}/lake`));
    try {
      expect(lake.url('t/x.parquet')).toBe(`s3://${s3.bucket}/lake/t/x.parquet`);
      await lake.put('t/x.parquet', bytes('via config'));
      const whole = createObjectStore(config(`s3://${s3.bucket}`));
      expect(whole.url('t/x.parquet')).toBe(`s3://${s3.bucket}/t/x.parquet`);
      expect(await whole.list('lake/t/')).toEqual(['lake/t/x.parquet']);
      await whole.close();
    } finally {
      await lake.close();
    }
    const local = createObjectStore(config(`file://${root}/cfg`));
    await local.put('a.bin', bytes('local'));
    expect(local.url('a.bin')).toBe(`file://${root}/cfg/a.bin`);
  });
});
