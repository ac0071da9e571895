import type { Config } from '../config/index.js';
import { createLocalStore } from './local-store.js';
import type { ObjectStore } from './object-store.js';
import { createS3Store } from './s3-store.js';

/** The ObjectStore named by `config.objectStore`: `file://DIR` (relative to the cwd) or `s3://bucket[/prefix]`. */
export function createObjectStore(config: Pick<Config, 'objectStore' | 's3'>): ObjectStore {
  const location = config.objectStore;
  if (location.startsWith('file://')) {
    return createLocalStore(fileLocationToPath(location));
  }
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (s3) {
    const bucket = s3[1] as string;
    const rest = (s3[2] ?? '').replace(/^\/+/, '');
    return createS3Store({
      bucket,
      prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/`,
      ...config.s3,
    });
  }
  throw new Error(
    `unsupported object store ${JSON.stringify(location)}: expected file://DIR or s3://bucket[/prefix]`,
  );
}

/** `file://./data/lake` and `file://data/lake` are relative to the cwd; `file:///abs` is absolute. */
function fileLocationToPath(location: string): string {
  const rest = location.slice('file://'.length);
  if (rest.startsWith('localhost/')) return rest.slice('localhost'.length);
  return rest;
}
