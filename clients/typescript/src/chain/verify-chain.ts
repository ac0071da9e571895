import type { KeyObject } from 'node:crypto';
import { hashEvent } from './hash-event.js';
import { parseReplayRecord } from './parse-replay-record.js';
import type { EventRecord, SealRecord } from './parse-replay-record.js';
import { GENESIS_HASH } from './types.js';
import type { ChainProblem, ChainReport } from './types.js';
import { verifySeal } from './verify-seal.js';

interface Context {
  table?: string | undefined;
  session_id?: string | undefined;
  tenant?: string | undefined;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

// One altered record must not make all the others look out of place, so the majority sets the context.
function contextOf(records: (EventRecord | SealRecord)[], expect: Context): Context {
  const events = records.filter((r) => r.kind === 'event');
  const seals = records.filter((r): r is SealRecord => r.kind === 'seal');
  const all = events.length > 0 ? events : seals;
  return {
    table: expect.table ?? mostCommon(all.map((r) => r.table)),
    session_id: expect.session_id ?? mostCommon(all.map((r) => r.session_id)),
    tenant: mostCommon(seals.map((r) => r.tenant)),
  };
}

/** Walks a replayed session in stored order from seq 1, collecting every problem rather than the first. */
class ChainWalk {
  readonly errors: ChainProblem[] = [];
  events = 0;
  seals = 0;
  private readonly hashes = new Map<number, string>();
  private lastEventSeq = 0;
  private maxEventSeq = 0;
  private prevSeal = { seq: 0, hash: GENESIS_HASH };
  private maxSealedSeq = 0;

  constructor(
    private readonly keys: Map<string, KeyObject>,
    private readonly context: Context,
  ) {}

  problem(seq: number, code: string, detail: string): void {
    this.errors.push({ seq, code, detail });
  }

  event(ev: EventRecord): void {
    this.events += 1;
    const ctx = this.context;
    if (ev.table !== ctx.table || ev.session_id !== ctx.session_id) {
      this.problem(
        ev.seq,
        'invalid_record',
        `event ${ev.seq} belongs to ${ev.table}/${ev.session_id}, not ${ctx.table}/${ctx.session_id}`,
      );
    }
    const expectedSeq = this.maxEventSeq + 1;
    if (ev.seq !== expectedSeq) {
      const what = ev.seq > expectedSeq ? `events ${expectedSeq}..${ev.seq - 1} are missing` : 'out of order';
      this.problem(ev.seq, 'sequence_gap', `expected event ${expectedSeq}, found ${ev.seq}: ${what}`);
    }
    const recomputed = hashEvent(ev.table, ev.session_id, ev);
    if (recomputed !== ev.hash) {
      this.problem(
        ev.seq,
        'hash_mismatch',
        `event ${ev.seq}: hash is ${ev.hash} but the event hashes to ${recomputed}`,
      );
    }
    // Without the previous event there is nothing to link to; the gap is already reported.
    const prev = ev.seq === 1 ? GENESIS_HASH : this.hashes.get(ev.seq - 1);
    if (prev !== undefined && ev.prev_hash !== prev) {
      const target = ev.seq === 1 ? '64 zeros' : `the hash of event ${ev.seq - 1}`;
      this.problem(ev.seq, 'broken_link', `event ${ev.seq}: prev_hash is not ${target}`);
    }
    this.hashes.set(ev.seq, ev.hash);
    this.lastEventSeq = ev.seq;
    this.maxEventSeq = Math.max(this.maxEventSeq, ev.seq);
  }

  seal(seal: SealRecord): void {
    this.seals += 1;
    const s = seal.seq;
    const checked = verifySeal(seal, this.keys);
    if (!checked.ok) this.problem(s, checked.code, checked.detail);
    const ctx = this.context;
    if (seal.tenant !== ctx.tenant || seal.table !== ctx.table || seal.session_id !== ctx.session_id) {
      this.problem(
        s,
        'seal_context_mismatch',
        `seal ${s} is for ${seal.tenant}/${seal.table}/${seal.session_id}, not ${ctx.tenant}/${ctx.table}/${ctx.session_id}`,
      );
    }
    if (s !== this.lastEventSeq) {
      this.problem(
        s,
        'seal_range_invalid',
        `seal ${s} follows event ${this.lastEventSeq}; a seal must follow the event it ends at`,
      );
    }
    if (seal.from_seq !== this.prevSeal.seq + 1 || seal.from_seq > s) {
      this.problem(
        s,
        'seal_range_invalid',
        `seal ${s} covers ${seal.from_seq}..${s} but must start at ${this.prevSeal.seq + 1}`,
      );
    }
    const head = this.hashes.get(s);
    if (head !== undefined && seal.head_hash !== head) {
      this.problem(s, 'seal_head_mismatch', `seal ${s}: head_hash is not the hash of event ${s}`);
    }
    if (seal.prev_seal_hash !== this.prevSeal.hash) {
      const target =
        this.prevSeal.seq === 0 ? '64 zeros for the first seal' : `the hash of seal ${this.prevSeal.seq}`;
      this.problem(s, 'seal_chain_broken', `seal ${s}: prev_seal_hash is not ${target}`);
    }
    this.prevSeal = { seq: s, hash: seal.hash };
    this.maxSealedSeq = Math.max(this.maxSealedSeq, s);
  }

  finish(): void {
    if (this.maxEventSeq > this.maxSealedSeq) {
      this.problem(
        this.maxEventSeq,
        'unsealed_events',
        `events ${this.maxSealedSeq + 1}..${this.maxEventSeq} are not covered by a seal`,
      );
    }
  }
}

/**
 * Verifies a replayed session offline (contract §4 replay records, from seq 1): event hashes and links,
 * seal signatures, hashes, ranges and linkage. Reports every problem found, each with its seq.
 */
export function verifyChain(
  records: unknown[],
  keys: Map<string, KeyObject>,
  expect?: { table?: string; session_id?: string },
): ChainReport {
  const parsed = records.map(parseReplayRecord);
  const valid = parsed.flatMap((p) => (p.ok ? [p.record] : []));
  const walk = new ChainWalk(keys, contextOf(valid, expect ?? {}));
  parsed.forEach((p, index) => {
    if (p.ok) {
      if (p.record.kind === 'event') walk.event(p.record);
      else walk.seal(p.record);
      return;
    }
    const seq = (records[index] as { seq?: unknown } | null | undefined)?.seq;
    walk.problem(
      Number.isSafeInteger(seq) ? (seq as number) : 0,
      'invalid_record',
      `record ${index}: ${p.detail}`,
    );
  });
  walk.finish();
  const { errors, events, seals } = walk;
  return { valid: errors.length === 0, checked_events: events, checked_seals: seals, errors };
}
