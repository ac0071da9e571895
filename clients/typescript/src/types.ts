import type { ClientEvent, Head, Jwks, ReplayRecord, Seal } from './chain/index.js';

export type { ClientEvent, Head, Jwks, ReplayRecord, Seal };

/** The success answer of an ingest (docs/contract.md §4). */
export interface IngestAnswer {
  status: 'accepted' | 'visible' | 'duplicate';
  table: string;
  session_id: string;
  accepted_count: number;
  duplicate_count: number;
  head: Head;
  seal: Seal;
  visibility_token: string;
  visible: boolean;
}

export interface IngestBody {
  session_id: string;
  events: ClientEvent[];
  idempotency_key?: string | undefined;
}

/** `GET /v1/tables/{table}/sessions/{id}`. */
export interface SessionInfo {
  table: string;
  session_id: string;
  accepted_head: Head | null;
  committed_head: Head | null;
  last_seal: Seal | null;
  event_count: number;
  seal_count: number;
  first_ts: string | null;
  last_ts: string | null;
}

/** One page of `GET …/events`. */
export interface ReplayPageAnswer {
  events: ReplayRecord[];
  next_after_seq: number | null;
  watermark: string;
}

/** `POST /v1/tables`: declared columns take the payload's top-level field of the same name. */
export interface TableDefinition {
  name: string;
  description?: string | undefined;
  columns?: ColumnDefinition[] | undefined;
}

/** A declared column of a table. */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'int64' | 'double' | 'boolean' | 'timestamp' | 'json';
  required?: boolean | undefined;
}
