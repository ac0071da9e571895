import { anchorSeqFor, verifyBatch, type ChainBatch, type Head, type VerifyResult } from '../chain/index.js';
import { AppError, RetryAfterError } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { Bus } from '../bus/index.js';
import type { Db } from '../db/index.js';
import { whenCanonical } from './check-canonical.js';
import { findAcceptedEvent, type SessionKey, type SessionState } from './session-state.js';

/** Verifies a batch against the session's head, fetching the accepted hash an older overlap needs. */
export async function verifyAgainst(
  io: { bus: Bus; db: Db },
  key: SessionKey,
  batch: ChainBatch,
  state: SessionState,
  canonicalPayloads?: readonly string[],
): Promise<VerifyResult & { ok: true }> {
  const anchorSeq = anchorSeqFor(batch.events, state.head);
  let anchor: Head | undefined;
  if (anchorSeq !== null) {
    const accepted = await findAcceptedEvent(io.bus, io.db, key, state, anchorSeq);
    if (!accepted)
      throw new RetryAfterError(`Event ${anchorSeq} is accepted but not yet committed; retry shortly.`);
    anchor = { seq: anchorSeq, hash: accepted.hash };
  }
  const verdict = whenCanonical(
    batch.events,
    () => verifyBatch(batch, state.head, anchor, canonicalPayloads),
    invalid,
  );
  if (verdict.ok) return verdict;
  const extras = verdict.code.startsWith('sequence_')
    ? headExtras(state.head)
    : verdict.code === 'invalid_request'
      ? {
          errors: [
            {
              path: `/events/${batch.events.findIndex((e) => e.seq === verdict.seq)}/seq`,
              message: verdict.detail,
            },
          ],
        }
      : {};
  throw new AppError(verdict.code, verdict.detail, { seq: verdict.seq, ...extras });
}

/** The `expected_seq` and `head` members every 409 carries (docs/contract.md §4 "Precisely"). */
export function headExtras(head: Head | null) {
  return { expected_seq: (head?.seq ?? 0) + 1, head: head ? { seq: head.seq, hash: head.hash } : null };
}

/** A 400 invalid_request naming the first of `errors` in its detail. */
export function invalid(errors: FieldError[]): AppError {
  const first = errors[0]!;
  return new AppError('invalid_request', `The request body is invalid: ${first.path} ${first.message}`, {
    errors,
  });
}
