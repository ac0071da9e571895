/** A small bounded map whose entries expire; per Db instance, so tests and processes never share one. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly lastKnown = new Map<string, V>();
  private invalidations = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value, or undefined when absent or expired. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** The last value cached for `key`, however old: for use while the source cannot be reached. */
  stale(key: string): V | undefined {
    return this.lastKnown.get(key);
  }

  /** A stamp to pass to `set`: a lookup that started before an invalidation must not be cached. */
  version(): number {
    return this.invalidations;
  }

  /** Caches `value`, unless something was invalidated since `since` (a `version()` stamp). */
  set(key: string, value: V, since = this.invalidations): void {
    if (since !== this.invalidations) return;
    // Crude bound: a flood of distinct keys empties the cache instead of growing it without end.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    if (this.lastKnown.size >= this.maxEntries) this.lastKnown.clear();
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
    this.lastKnown.set(key, value);
  }

  delete(key: string): void {
    this.invalidations++;
    this.entries.delete(key);
    this.lastKnown.delete(key);
  }
}

/** One cache per owner object (a Db), created on first use and collected with its owner. */
export function cachePer<O extends object, V>(ttlMs: number): (owner: O) => TtlCache<V> {
  const caches = new WeakMap<O, TtlCache<V>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (!cache) {
      cache = new TtlCache<V>(ttlMs);
      caches.set(owner, cache);
    }
    return cache;
  };
}
