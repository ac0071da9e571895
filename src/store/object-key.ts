/** Throws unless `key` is a relative object key: no leading '/', no '.', '..' or empty segments. */
export function assertObjectKey(key: string): void {
  if (
    key === '' ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.includes('\0') ||
    key.split('/').some(isBadSegment)
  ) {
    throw new Error(
      `invalid object key ${JSON.stringify(key)}: must be relative, without '.', '..' or empty segments`,
    );
  }
}

/** Throws unless `keyPrefix` is '' or the start of a valid key (a trailing '/' is allowed). */
export function assertKeyPrefix(keyPrefix: string): void {
  const segments = keyPrefix.split('/');
  if (
    keyPrefix.startsWith('/') ||
    keyPrefix.includes('\\') ||
    keyPrefix.includes('\0') ||
    segments.some((s) => s === '.' || s === '..')
  ) {
    throw new Error(`invalid key prefix ${JSON.stringify(keyPrefix)}`);
  }
}

/** Lexical order of keys; equals S3's UTF-8 byte order for keys without astral characters. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isBadSegment(segment: string): boolean {
  return segment === '' || segment === '.' || segment === '..';
}
