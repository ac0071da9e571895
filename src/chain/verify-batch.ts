import { hashEvent } from './hash-event.js';
import { GENESIS_HASH } from './types.js';
import type { ChainBatch, ClientEvent, Head, VerifyFailureCode, VerifyResult } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;

type Failure = Extract<VerifyResult, { ok: false }>;

function fail(code: VerifyFailureCode, seq: number, detail: string): Failure {
  return { ok: false, code, seq, detail };
}

/**
 * The seq of the accepted event whose hash the caller must pass as `anchor` to verify an overlap,
 * or null when the head itself (or nothing) is the anchor.
 */
export function anchorSeqFor(events: ClientEvent[], head: Head | null): number | null {
  const first = events[0];
  const last = events[events.length - 1];
  if (first === undefined || last === undefined) return null;
  const h = head?.seq ?? 0;
  return first.seq <= h && last.seq < h ? last.seq : null;
}

function checkShape(events: ClientEvent[]): Failure | null {
  const first = events[0];
  if (first === undefined) return fail('invalid_request', 0, 'the batch has no events');
  for (const [i, ev] of events.entries()) {
    if (!Number.isSafeInteger(ev.seq) || ev.seq < 1) {
      return fail('invalid_request', ev.seq, `event ${i}: seq must be an integer of at least 1`);
    }
    if (i > 0 && ev.seq !== first.seq + i) {
      return fail(
        'invalid_request',
        ev.seq,
        `event ${i}: seq ${ev.seq} should be ${first.seq + i}: seqs must be contiguous and ascending`,
      );
    }
    if (!HEX64.test(ev.hash) || !HEX64.test(ev.prev_hash)) {
      return fail(
        'invalid_request',
        ev.seq,
        `event ${ev.seq}: hash and prev_hash must be 64 lowercase hex digits`,
      );
    }
  }
  return null;
}

function checkLinks(batch: ChainBatch, canonicalPayloads?: readonly string[]): Failure | null {
  let prev: ClientEvent | undefined;
  for (const [i, ev] of batch.events.entries()) {
    const expected = hashEvent(batch.table, batch.session_id, ev, canonicalPayloads?.[i]);
    if (expected !== ev.hash) {
      return fail(
        'hash_mismatch',
        ev.seq,
        `event ${ev.seq}: hash is ${ev.hash} but the event hashes to ${expected}`,
      );
    }
    if (prev !== undefined && ev.prev_hash !== prev.hash) {
      return fail('broken_link', ev.seq, `event ${ev.seq}: prev_hash is not the hash of event ${prev.seq}`);
    }
    prev = ev;
  }
  return null;
}

/**
 * Verifies a batch on its own and against the accepted head (docs/contract.md §4); the first failure wins.
 * An overlap with accepted events is judged by one hash: at the head, or at `anchor` (see anchorSeqFor).
 */
export function verifyBatch(
  batch: ChainBatch,
  head: Head | null,
  anchor?: Head,
  /** The events' payloads as JCS text, when the caller has them already (saves canonicalizing twice). */
  canonicalPayloads?: readonly string[],
): VerifyResult {
  const problem = checkShape(batch.events) ?? checkLinks(batch, canonicalPayloads);
  if (problem !== null) return problem;
  const events = batch.events;
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const h = head?.seq ?? 0;

  if (first.seq > h + 1) {
    return fail(
      'sequence_gap',
      first.seq,
      `the batch starts at seq ${first.seq} but the next expected seq is ${h + 1}`,
    );
  }
  if (first.seq === h + 1) {
    // A new session's head hash is 64 zeros (docs/contract.md §4): event 1 linking elsewhere is a conflict too.
    if (first.prev_hash !== (head?.hash ?? GENESIS_HASH)) {
      return fail(
        'sequence_conflict',
        first.seq,
        head
          ? `event ${first.seq}: prev_hash is not the hash of the accepted head ${h}`
          : `event ${first.seq}: prev_hash must be 64 zeros for a session with nothing accepted`,
      );
    }
    return { ok: true, duplicateCount: 0, newEvents: events };
  }

  // Internal links are verified, so equal hashes at seq a imply identical events at and below a.
  const a = Math.min(last.seq, h);
  let accepted: string;
  if (a === h) {
    accepted = head!.hash;
  } else {
    if (anchor === undefined || anchor.seq !== a) {
      throw new Error(
        `verifyBatch needs the accepted hash of seq ${a} as anchor, got ${anchor?.seq ?? 'none'}`,
      );
    }
    accepted = anchor.hash;
  }
  const ours = events[a - first.seq]!;
  if (ours.hash !== accepted) {
    return fail('sequence_conflict', a, `event ${a}: differs from the accepted event ${a}`);
  }
  const duplicateCount = a - first.seq + 1;
  return { ok: true, duplicateCount, newEvents: events.slice(duplicateCount) };
}
