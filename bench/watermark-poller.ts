import http from 'node:http';
import type { Target } from './load-protocol.js';
import { readVisibility, tokenSeq } from './read-visibility.js';

const POLL_MS = 10;

/**
 * Times batches from send to visible: every ~10 ms while any is pending, reads the committed watermark
 * (on its own socket) and resolves every pending token at or below it. Tokens are `v1.<stream seq>`;
 * the contract calls them opaque, but inside the bench comparing them numerically is fine.
 *
 * It reads `GET /v1/visibility/{token}` (one Postgres query) rather than `/v1/tables/{t}/watermark`,
 * which also computes the lag by fetching and parsing the oldest uncommitted batch from the log
 * (~130 KB at batch 100): polled 100 times a second that would load the server being measured.
 */
export class WatermarkPoller {
  private readonly pending: { seq: number; from: number }[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly visibleMs: number[] = [];
  polls = 0;
  pollErrors = 0;

  constructor(private readonly target: Target) {}

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      const started = performance.now();
      const highest = this.pending.reduce((m, p) => Math.max(m, p.seq), 0);
      if (highest > 0) {
        const wm = await readVisibility(this.agent, this.target, highest).catch(() => {
          this.pollErrors++;
          return null;
        });
        this.polls++;
        if (wm !== null) this.resolve(wm, performance.now());
      }
      if (!this.stopped) this.timer = setTimeout(tick, Math.max(0, POLL_MS - (performance.now() - started)));
    };
    void tick();
  }

  /** Waits for the visibility of a batch accepted with `token`, timed from `from`. */
  track(token: string, from: number): void {
    const seq = tokenSeq(token);
    if (seq !== null) this.pending.push({ seq, from });
  }

  get unresolved(): number {
    return this.pending.length;
  }

  /** Resolves when nothing is pending, or after `timeoutMs` (what is left is reported as not visible). */
  async drain(timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (this.pending.length > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.agent.destroy();
  }

  private resolve(watermark: number, now: number): void {
    let kept = 0;
    for (const p of this.pending) {
      if (p.seq <= watermark) this.visibleMs.push(now - p.from);
      else this.pending[kept++] = p;
    }
    this.pending.length = kept;
  }
}
