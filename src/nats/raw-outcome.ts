import type { IngestAnswer } from '../contracts/index.js';

/** Identifies the raw message an outcome is about. */
interface OutcomeOf {
  /** The producer's `Nats-Msg-Id`, or null when it sent none. */
  msg_id: string | null;
  /** The raw message's stream sequence (the `seq` of the producer's publish ack). */
  raw_seq: number;
}

/**
 * The outcome of one raw message, published on `{prefix}.outcome.{tenant}.{table}` (docs/contract.md §5):
 * the ingest answer (status accepted or duplicate), or status rejected with the problem.
 */
export type RawOutcome =
  | (OutcomeOf & IngestAnswer)
  | (OutcomeOf & {
      status: 'rejected';
      table: string;
      session_id: string | null;
      /** The id in `GET /v1/rejections`, for `chainlake rejections redrive`. */
      rejection_id: string;
      problem: Record<string, unknown>;
    });
