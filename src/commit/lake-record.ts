/** One stored record (an event or a seal) as the committer writes it to Parquet and Postgres (docs/contract.md §6). */
export interface LakeRecord {
  tenant: string;
  table: string;
  session_id: string;
  seq: number;
  kind: 'event' | 'seal';
  type: string;
  /** RFC 3339 as received (events) or `sealed_at` (seals); kept verbatim. */
  ts: string;
  /** The exact JCS text: the event's payload, or the whole seal. */
  payload: string;
  /** The parsed event payload (declared columns come from its top-level fields); null for seals. */
  fields: Record<string, unknown> | null;
  /** `prev_hash`, or `prev_seal_hash` for a seal. */
  prev_hash: string;
  hash: string;
  visibility_token: string;
  /** JetStream's timestamp of the message: deterministic across redeliveries. */
  ingested_at: Date;
  stream_seq: number;
}

export type { ColumnDef } from '../contracts/index.js';
