import http from 'node:http';
import type { Target } from './load-protocol.js';
import { readVisibility } from './read-visibility.js';

const POLL_MS = 20;

/** The first poll time at which the (monotonic) watermark covered `seq`, or null if none did. */
export function firstCovering(
  polls: readonly { at: number; watermark: number }[],
  seq: number,
): number | null {
  for (const p of polls) if (p.watermark >= seq) return p.at;
  return null;
}

/**
 * Times "everything the phase accepted is visible": from the window's end, polls the committed watermark
 * every ~20 ms until it covers the highest token answered in the window (in open loop, answers to the
 * window's last slots come after it). The time is that of the first poll that saw it.
 */
export class CommitClock {
  private readonly polls: { at: number; watermark: number }[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly target: Target) {}

  /**
   * Polls from now until the watermark covers `highest` (the window's highest token, known once the last
   * answer is in), or `timeoutMs` after that; answers the performance.now() it was covered at, or null.
   */
  async run(highest: Promise<number>, timeoutMs: number): Promise<number | null> {
    let seq: number | null = null;
    let deadline = Infinity;
    void highest.then(
      (s) => ((seq = s), (deadline = performance.now() + timeoutMs)),
      () => ((seq = 0), (deadline = 0)),
    );
    try {
      for (;;) {
        const target: number | null = seq;
        if (target !== null) {
          const covered = target === 0 ? null : firstCovering(this.polls, target);
          if (target === 0 || covered !== null || performance.now() > deadline) return covered;
        }
        const started = performance.now();
        const wm = await readVisibility(this.agent, this.target, Math.max(target ?? 1, 1)).catch(() => null);
        if (wm !== null) this.polls.push({ at: performance.now(), watermark: wm });
        await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (performance.now() - started))));
      }
    } finally {
      this.agent.destroy();
    }
  }
}
