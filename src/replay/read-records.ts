import type { Db } from '../db/index.js';

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

interface BatchRow {
  from_seq: string;
  to_seq: string;
  records: string;
}

function rangeQuery(db: Db, k: SessionKey, range: RecordRange) {
  const upTo = range.upToSeq === null ? db.sql`` : db.sql`and from_seq <= ${range.upToSeq}`;
  return db.sql<BatchRow[]>`
    select from_seq::text as from_seq, to_seq::text as to_seq, records from batches
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}
      and to_seq > ${range.afterSeq} ${upTo} and stream_seq <= ${range.watermark}
    order by batches.from_seq`;
}

/**
 * A batch's stored lines cut to the range: its events in (afterSeq, upToSeq], then its seal when the
 * seal's seq (the batch's last) is in the range. A batch wholly inside is its stored text as it is.
 */
export function sliceBatch(row: BatchRow, range: Pick<RecordRange, 'afterSeq' | 'upToSeq'>): string {
  const from = Number(row.from_seq);
  const to = Number(row.to_seq);
  const upTo = range.upToSeq ?? Infinity;
  if (from > range.afterSeq && to <= upTo) return row.records;
  const lines = row.records.split('\n'); // events from..to, the seal, then '' after the last newline
  const first = Math.max(0, range.afterSeq + 1 - from);
  const last = Math.min(to, upTo) - from; // index of the last event in range
  let text = '';
  for (let i = first; i <= last && i < lines.length - 2; i++) text += lines[i] + '\n';
  if (to <= upTo && lines.length >= 2) text += lines[lines.length - 2] + '\n';
  return text;
}

/** The replay lines of a small range (one page), in stored order. */
export async function readLines(db: Db, k: SessionKey, range: RecordRange): Promise<string> {
  let text = '';
  for (const row of await rangeQuery(db, k, range)) text += sliceBatch(row, range);
  return text;
}

/** The replay lines of a range of any size, in stored order and in chunks, through a server-side cursor. */
export async function* streamLines(
  db: Db,
  k: SessionKey,
  range: RecordRange,
  chunkRows = 20,
): AsyncGenerator<string> {
  for await (const rows of rangeQuery(db, k, range).cursor(chunkRows)) {
    let text = '';
    for (const row of rows) text += sliceBatch(row, range);
    yield text;
  }
}

/**
 * The seq of the `limit`-th committed event after `afterSeq` (null when fewer remain), and whether
 * another event follows it: where a page of `limit` events ends, and whether it is the last page.
 * A session's committed events are seq 1..head without gaps, so this is arithmetic on the head.
 */
export async function pageEnd(
  db: Db,
  k: SessionKey,
  afterSeq: number,
  limit: number,
  watermark: number,
): Promise<{ upToSeq: number | null; more: boolean }> {
  const [row] = await db.sql<{ head: string | null }[]>`
    select max(to_seq)::text as head from batches
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}
      and stream_seq <= ${watermark}`;
  const head = row?.head === null || row?.head === undefined ? 0 : Number(row.head);
  const end = afterSeq + limit;
  if (end <= head) return { upToSeq: end, more: end < head };
  return { upToSeq: null, more: false };
}

/** Whether any record of the session is committed (whatever the watermark). */
export async function hasRecords(db: Db, k: SessionKey): Promise<boolean> {
  const [row] = await db.sql`
    select 1 from batches
    where tenant = ${k.tenant} and table_name = ${k.table} and session_id = ${k.sessionId}
    limit 1`;
  return row !== undefined;
}
