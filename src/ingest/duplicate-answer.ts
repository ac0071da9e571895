import type { ClientEvent } from '../chain/index.js';
import type { IngestAnswer } from '../contracts/index.js';
import { RetryAfterError } from '../errors.js';
import { acceptedAnswer } from '../wire/index.js';
import type { IngestDeps } from './ingest-batch.js';
import { findAcceptedEvent, type SessionKey, type SessionState } from './session-state.js';

/** The answer to a fully duplicate batch: the token and seal of the batch that accepted its last event. */
export async function duplicateAnswer(
  deps: Pick<IngestDeps, 'bus' | 'db'>,
  key: SessionKey,
  state: SessionState,
  events: ClientEvent[],
): Promise<IngestAnswer> {
  const last = events[events.length - 1]!;
  const accepted = await findAcceptedEvent(deps.bus, deps.db, key, state, last.seq);
  if (!accepted)
    throw new RetryAfterError(`Event ${last.seq} is accepted but not yet committed; retry shortly.`);
  return acceptedAnswer({
    seal: accepted.seal,
    visibilityToken: accepted.visibilityToken,
    acceptedCount: 0,
    duplicateCount: events.length,
    status: 'duplicate',
  });
}
