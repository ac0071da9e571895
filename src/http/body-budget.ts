import { RetryAfterError } from '../errors.js';

/**
 * Request body bytes held in memory at once, across requests. A request that does not fit waits,
 * its body unread (TCP holds it back), up to `queueMs`; then 503 + Retry-After.
 */
export class BodyBudget {
  private used = 0;
  private readonly waiters: { bytes: number; grant: () => void }[] = [];

  constructor(
    readonly limit: number,
    private readonly queueMs: number,
  ) {}

  get inUse(): number {
    return this.used;
  }

  /** Reserves `bytes`; resolves to the function that gives them back (call it exactly once). */
  async acquire(bytes: number): Promise<() => void> {
    const n = Math.min(bytes, this.limit);
    if (this.waiters.length === 0 && this.used + n <= this.limit) return this.take(n);
    return new Promise((resolve, reject) => {
      const waiter = { bytes: n, grant: () => (clearTimeout(timer), resolve(this.take(n))) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new RetryAfterError('Too many request bodies are being received now; retry shortly.', 1));
      }, this.queueMs);
      this.waiters.push(waiter);
    });
  }

  private take(n: number): () => void {
    this.used += n;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= n;
      while (this.waiters.length > 0 && this.used + this.waiters[0]!.bytes <= this.limit) {
        this.waiters.shift()!.grant();
      }
    };
  }
}
