import type { Bus } from './connect-bus.js';
import type { LoggedBatch } from './read-last-batch.js';
import type { BatchEnvelope } from './batch-envelope.js';

/** Upper bound on messages read while walking one session's log. */
const MAX_STEPS = 10_000;

/**
 * Finds the logged batch of a session that holds event `seq`, walking the session's subject forward
 * from stream sequence `fromStreamSeq`. Null when no message there holds it.
 */
export async function findBatchInLog(
  bus: Bus,
  subject: string,
  fromStreamSeq: number,
  seq: number,
): Promise<LoggedBatch | null> {
  let cursor = Math.max(1, fromStreamSeq);
  for (let step = 0; step < MAX_STEPS; step++) {
    const msg = await bus.jsm.direct.getMessage(bus.names.eventsStream, {
      next_by_subj: subject,
      seq: cursor,
    });
    if (!msg) return null;
    const envelope = msg.json<BatchEnvelope>();
    if (envelope.seal.from_seq > seq) return null;
    if (seq <= envelope.seal.seq) return { streamSeq: msg.seq, envelope, time: msg.time };
    cursor = msg.seq + 1;
  }
  return null;
}
