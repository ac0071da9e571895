/**
 * Remembers sessions whose message is waiting for a retry, so that later messages of the same session
 * are held back as long and do not overtake it (which would make them a sequence_gap).
 */
export class SessionHolds {
  private readonly until = new Map<string, number>();

  /** Milliseconds the session is still held, 0 when it is free. */
  heldFor(key: string, now = Date.now()): number {
    const t = this.until.get(key);
    if (t === undefined) return 0;
    if (t <= now) {
      this.until.delete(key);
      return 0;
    }
    return t - now;
  }

  hold(key: string, ms: number, now = Date.now()): void {
    this.until.set(key, Math.max(this.until.get(key) ?? 0, now + ms));
  }

  /** Forgets expired holds. */
  prune(now = Date.now()): void {
    for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
  }
}
