import { ChainGenerator, sessionIds, type GeneratedBatch } from './chain-gen.js';

/**
 * The request bodies of one session, in chain order: pre-generated before the phase, then generated on
 * demand (counted, so a report can say the client spent CPU inside the window).
 */
export class BatchSource {
  private readonly ready: GeneratedBatch[] = [];
  private next = 0;
  generatedLive = 0;

  constructor(
    readonly sessionId: string,
    private readonly gen: ChainGenerator,
    private readonly batch: number,
  ) {}

  prefill(batches: number): number {
    let bytes = 0;
    for (let i = 0; i < batches; i++) {
      const b = this.gen.nextBatch(this.batch);
      bytes += b.body.length;
      this.ready.push(b);
    }
    return bytes;
  }

  take(): GeneratedBatch {
    const b = this.ready[this.next];
    if (b) {
      // Drop the reference so sent bodies can be collected during long phases.
      this.ready[this.next++] = undefined as unknown as GeneratedBatch;
      return b;
    }
    this.generatedLive += this.batch;
    return this.gen.nextBatch(this.batch);
  }
}

/** Sources for `{tag}-s0 … s{n-1}`, with `events` pre-generated across them (whole batches, round-robin). */
export function prepareSources(
  table: string,
  tag: string,
  sessions: number,
  batch: number,
  payloadBytes: number,
  events: number,
): { sources: BatchSource[]; events: number; bytes: number; ms: number } {
  const started = performance.now();
  const sources = sessionIds(tag, sessions).map(
    (id) => new BatchSource(id, new ChainGenerator(table, id, payloadBytes), batch),
  );
  const perSession = Math.ceil(events / batch / sessions);
  let bytes = 0;
  for (const s of sources) bytes += s.prefill(perSession);
  return { sources, events: perSession * sessions * batch, bytes, ms: performance.now() - started };
}
