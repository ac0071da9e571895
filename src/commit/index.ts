/**
 * @module commit: log → Parquet → one Postgres transaction → ack. A message is acked only after its
 * records are committed, and a record is committed at most once whatever is redelivered.
 */
export {
  startCommitter,
  SimulatedCrash,
  type Committer,
  type CommitterDeps,
  type CommitObservation,
} from './run-committer.js';
export { commitBatch, dedupeMessages, type CommitHooks, type CommitReport } from './commit-batch.js';
export { decodeMessage, type CommitVerify, type DecodedMessage } from './decode-message.js';

export { toParquet } from './to-parquet.js';
export type { LakeRecord, ColumnDef } from './lake-record.js';
