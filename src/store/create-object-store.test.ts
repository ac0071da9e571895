import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createObjectStore } from './create-object-store.js';

const s3 = {
  region: 'us-east-1',
  forcePathStyle: true,
  endpoint: 'http://127.0.0.1:9',
  accessKeyId: 'k',
  secretAccessKey: 's',
};
const key = 'acme/t/date=2026-01-30/f.parquet';

describe('createObjectStore', () => {
  it('puts a relative file:// directory under the working directory', () => {
    const store = createObjectStore({ objectStore: 'file://./data/lake', s3 });
    expect(store.url(key)).toBe(pathToFileURL(resolve('data/lake', key)).href);
  });

  it('takes a file:/// directory as absolute', () => {
    expect(createObjectStore({ objectStore: 'file:///srv/lake', s3 }).url(key)).toBe(
      `file:///srv/lake/${key}`,
    );
  });

  it.each([
    ['s3://bucket', `s3://bucket/${key}`],
    ['s3://bucket/', `s3://bucket/${key}`],
    ['s3://bucket/lake', `s3://bucket/lake/${key}`],
    ['s3://bucket/lake/', `s3://bucket/lake/${key}`],
    ['s3://bucket/a/b', `s3://bucket/a/b/${key}`],
  ])('normalises the prefix of %s', async (objectStore, url) => {
    const store = createObjectStore({ objectStore, s3 });
    expect(store.url(key)).toBe(url);
    await store.close();
  });

  it('refuses an unknown scheme', () => {
    expect(() => createObjectStore({ objectStore: 'gs://bucket', s3 })).toThrow(/unsupported object store/);
  });
});
