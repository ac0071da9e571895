import { tokenSeq } from './read-visibility.js';
import type { Answer } from './senders.js';

/** Counts answers that arrive inside the measured window [start, end) (performance.now() ms). */
export class Recorder {
  requests = 0;
  acceptedEvents = 0;
  acceptedBytes = 0;
  duplicates = 0;
  errors: Record<string, number> = {};
  latencies: number[] = [];
  samples: string[] = [];
  failedSessions = 0;
  /** Highest token sequence answered inside the window (0: none). */
  maxSeq = 0;
  /** Over the whole phase (warmup, window and the answers after it): what the server took in. */
  phaseEvents = 0;
  phaseMaxSeq = 0;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  inWindow(t: number): boolean {
    return t >= this.start && t < this.end;
  }

  /**
   * Records a batch's final answer; `from` is its first send (or its slot, in open loop). It counts when
   * `countAt` (default: the answer's time; open loop: the slot) is inside the window.
   */
  record(answer: Answer, from: number, at: number, bodyBytes: number, countAt = at): void {
    this.sample(answer);
    const seq = answer.ok ? (tokenSeq(answer.token) ?? 0) : 0;
    if (answer.ok && answer.code !== 'duplicate') this.phaseEvents += answer.acceptedCount;
    this.phaseMaxSeq = Math.max(this.phaseMaxSeq, seq);
    if (!this.inWindow(countAt)) return;
    this.maxSeq = Math.max(this.maxSeq, seq);
    this.requests++;
    this.latencies.push(at - from);
    if (!answer.ok) this.errors[answer.code] = (this.errors[answer.code] ?? 0) + 1;
    else if (answer.code === 'duplicate') this.duplicates++;
    else {
      this.acceptedEvents += answer.acceptedCount;
      this.acceptedBytes += bodyBytes;
    }
  }

  /** Records an answer that was followed by a retry of the same batch (`retried:{code}`). */
  retried(answer: Answer, at: number): void {
    this.sample(answer);
    if (!this.inWindow(at)) return;
    const key = `retried:${answer.code}`;
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  private sample(answer: Answer): void {
    if (!answer.ok && this.samples.length < 5) this.samples.push(answer.detail ?? answer.code);
  }
}

/** Sends one batch, retrying what the server calls temporary; resolves with the final answer. */
export async function sendWithRetry(
  send: () => Promise<Answer>,
  rec: Recorder,
  attempts = 5,
): Promise<{ answer: Answer; at: number }> {
  for (let i = 1; ; i++) {
    const answer = await send();
    const at = performance.now();
    if (answer.ok || !answer.retryable || i >= attempts) return { answer, at };
    rec.retried(answer, at);
    await new Promise((r) => setTimeout(r, 50 * i));
  }
}
