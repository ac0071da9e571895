import type { ClientEvent } from '../chain/index.js';
import type { IngestAnswer } from '../contracts/index.js';
import { AppError, isAppError } from '../errors.js';
import type { SessionState } from './session-state.js';
import { headExtras } from './verify-against.js';

/** A batch judged against a head: the accepted overlap to drop, and the events that extend the head. */
export interface Verdict {
  duplicateCount: number;
  newEvents: ClientEvent[];
}

/** What one publish under the optimistic lock did. */
export type PublishAttempt =
  | { kind: 'stored'; answer: IngestAnswer }
  /** The msg-id was seen inside the dedup window: these events are in the log at `streamSeq`. */
  | { kind: 'duplicate'; streamSeq: number }
  /** Another writer appended to the session first. */
  | { kind: 'lost_race' };

/** The steps of an append, so the loop that decides between them has no I/O of its own. */
export interface AppendSteps {
  /** Judges the batch against a head; throws the AppError a client gets (409 sequence_*, 400 …). */
  verify(state: SessionState): Promise<Verdict>;
  /** Seals the new events on `state` and publishes them under the lock `state.lastSubjectSeq`. */
  publish(state: SessionState, verdict: Verdict): Promise<PublishAttempt>;
  /** The session's state read from the log itself, never from this process's cache. */
  reload(): Promise<SessionState>;
  /** Drops this process's cached head of the session. */
  forget(): void;
  /** The answer to a batch whose events are all accepted already. */
  duplicate(state: SessionState): Promise<IngestAnswer>;
  /** The answer to a batch the log holds at `streamSeq` (an identical earlier attempt). */
  inLog(streamSeq: number): Promise<IngestAnswer>;
}

/**
 * The append loop: verify → publish, judging again on the log's head whenever a cached head may have
 * been stale, and telling a lost race from a duplicate of the winner. Ends in an answer or an AppError.
 */
export async function appendLoop(steps: AppendSteps, first: SessionState): Promise<IngestAnswer> {
  let state = first;
  for (;;) {
    let verdict: Verdict;
    try {
      verdict = await steps.verify(state);
    } catch (err) {
      // A cached head may be stale (another process appended): judge the sequence again on the log's head.
      if (state.cached && isAppError(err) && err.code.startsWith('sequence_')) {
        steps.forget();
        state = await steps.reload();
        continue;
      }
      throw err;
    }
    if (verdict.newEvents.length === 0) return steps.duplicate(state);

    const attempt = await steps.publish(state, verdict);
    if (attempt.kind === 'stored') return attempt.answer;
    steps.forget();
    if (attempt.kind === 'duplicate') return steps.inLog(attempt.streamSeq);
    const lostOnCachedHead = state.cached === true;
    state = await steps.reload();
    // A stale cached head lost the lock without any race: try once more on the log's head.
    if (lostOnCachedHead) continue;
    // Lost a real race: if the winner appended exactly these events, this is a duplicate.
    const again = await steps.verify(state);
    if (again.newEvents.length === 0) return steps.duplicate(state);
    throw new AppError(
      'concurrent_append',
      'Another writer appended to this session first; reload the head and retry.',
      headExtras(state.head),
    );
  }
}
