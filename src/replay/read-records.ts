import type { Db } from '../db/index.js';
import type { StoredRecord } from './record-text.js';

/** Which session to read; every query carries the tenant (style point 11). */
export interface SessionKey {
  tenant: string;
  table: string;
  sessionId: string;
}

/** A range of stored order: records with `afterSeq < seq <= upToSeq` whose batch is at or below `watermark`. */
export interface RecordRange {
  afterSeq: number;
  /** null: no upper bound. */
  upToSeq: number | null;
  /** Committed watermark (stream sequence): only batches at or below it are read, so the answer is stable. */
  watermark: number;
}

interface Row {
  seq: string;
  kind: 'event' | 'seal';
  type: string;
  ts: string;
  payload: string;
  prev_hash: string;
  hash: string;
  visibility_token: string;
}

const toStored = (r: Row): StoredRecord => ({ ...r, seq: Number(r.seq) });

function rangeQuery(db: Db, k: SessionKey, range: RecordRange) {
  const upTo = range.upToSeq === null ? db.sql`` : db.sql`and seq <= ${range.upToSeq}`;
  // (seq, kind) is the primary key's order after the session columns; 'event' < 'seal' in any collation.
  // Qualified names: a bare `seq` in ORDER BY would sort by the text output column.
  return db.sql<Row[]>`
    select seq::text as seq, kind, type, ts, payload, prev_hash, hash, visibility_token
    from records
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}
      and seq > ${range.afterSeq} ${upTo} and stream_seq <= ${range.watermark}
    order by records.seq, records.kind`;
}

/** The records of a small range (one page), in stored order. */
export async function readRecords(db: Db, k: SessionKey, range: RecordRange): Promise<StoredRecord[]> {
  return (await rangeQuery(db, k, range)).map(toStored);
}

/** The records of a range of any size, in stored order and in chunks, through a server-side cursor. */
export async function* streamRecords(
  db: Db,
  k: SessionKey,
  range: RecordRange,
  chunkRows = 500,
): AsyncGenerator<StoredRecord[]> {
  for await (const rows of rangeQuery(db, k, range).cursor(chunkRows)) yield rows.map(toStored);
}

/**
 * The seq of the `limit`-th committed event after `afterSeq` (null when fewer remain), and whether
 * another event follows it: where a page of `limit` events ends, and whether it is the last page.
 */
export async function pageEnd(
  db: Db,
  k: SessionKey,
  afterSeq: number,
  limit: number,
  watermark: number,
): Promise<{ upToSeq: number | null; more: boolean }> {
  const rows = await db.sql<{ seq: string }[]>`
    select seq::text as seq from records
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}
      and kind = 'event' and seq > ${afterSeq} and stream_seq <= ${watermark}
    order by records.seq offset ${limit - 1} limit 2`;
  const [end, next] = rows;
  return { upToSeq: end ? Number(end.seq) : null, more: next !== undefined };
}

/** Whether any record of the session is committed (whatever the watermark). */
export async function hasRecords(db: Db, k: SessionKey): Promise<boolean> {
  const [row] = await db.sql`
    select 1 from records
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}
    limit 1`;
  return row !== undefined;
}
