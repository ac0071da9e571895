/** Object storage as the committer needs it. Keys are relative to the store's prefix. */
export interface ObjectStore {
  /** Writes the whole object; overwriting the same key with the same bytes is a no-op in effect. */
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  /** Reads the whole object, or null when it does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  /** Lists keys under a key prefix (all pages), in lexical order. */
  list(keyPrefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** A URL for the object: `s3://bucket/prefix/key` or `file:///abs/path/key`. */
  url(key: string): string;
  /** Throws when the store cannot be reached or written (used by /readyz). */
  check(): Promise<void>;
  close(): Promise<void>;
}
