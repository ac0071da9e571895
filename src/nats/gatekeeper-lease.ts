import type { CommitterLease } from '../config/index.js';

/**
 * The gatekeeper's lease and batching knobs, in one object (style point 14): the committer's, where
 * `maxDeliver` is the delivery after which a transiently failing message is recorded as a rejection.
 */
export interface GatekeeperLease extends CommitterLease {
  /** Sessions verified at the same time; one session's messages always go one after the other. */
  concurrency: number;
}

/** The gatekeeper shares the committer's lease settings, with smaller batches (each message is a request). */
export function gatekeeperLease(committer: CommitterLease): GatekeeperLease {
  return {
    batchSize: Math.min(committer.batchSize, 256),
    maxBytes: committer.maxBytes,
    maxWaitMs: committer.maxWaitMs,
    ackWaitMs: committer.ackWaitMs,
    maxDeliver: committer.maxDeliver,
    workingIntervalMs: committer.workingIntervalMs,
    backoffMs: committer.backoffMs,
    concurrency: 16,
  };
}
