import type { CommitterLease } from '../config/index.js';

/** The gatekeeper's lease and batching knobs, in one object (style point 14). */
export interface GatekeeperLease {
  batchSize: number;
  maxBytes: number;
  maxWaitMs: number;
  ackWaitMs: number;
  /** After this many deliveries a transiently failing message is recorded as a rejection. */
  maxDeliver: number;
  workingIntervalMs: number;
  /** nak delays for successive transient failures; the last repeats. */
  backoffMs: number[];
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
